import type { WebContents } from 'electron'
import type { Logger } from '../services/logger'

/**
 * The kiosk page never navigates and never opens windows: a link in provider content or a compromised script
 * cannot take the screen somewhere else.
 */
export function lockNavigation(contents: WebContents, log: Logger): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault()
    log.warn('navigation blocked', { url })
  })
  contents.on('will-redirect', (event, url) => {
    event.preventDefault()
    log.warn('redirect blocked', { url })
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log.warn('webview blocked')
  })
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('window.open blocked', { url })
    return { action: 'deny' }
  })
}
