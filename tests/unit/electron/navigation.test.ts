import type { WebContents } from 'electron'
import { describe, expect, it } from 'vitest'
import { lockNavigation } from '../../../src/main/electron/navigation'
import { FakeWebContents } from '../support/fake-browser-window'
import { memoryLogger } from '../support/memory-log'

function locked() {
  const contents = new FakeWebContents()
  const log = memoryLogger()
  lockNavigation(contents as unknown as WebContents, log)
  return { contents, log }
}

describe('lockNavigation', () => {
  it('prevents every navigation, redirect and webview, and logs it', () => {
    const { contents, log } = locked()
    expect(contents.listeners.get('will-navigate')).toHaveLength(1)
    expect(contents.emit('will-navigate', 'https://evil.example/').prevented).toBe(true)
    // Our own page too: a reload goes through main (`reloadPage`), never through the page.
    expect(contents.emit('will-navigate', 'app://kiosk/index.html').prevented).toBe(true)
    expect(contents.emit('will-redirect', 'https://evil.example/').prevented).toBe(true)
    expect(contents.emit('will-attach-webview').prevented).toBe(true)
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'navigation blocked',
      context: { url: 'https://evil.example/' },
    })
  })

  it('denies window.open', () => {
    const { contents } = locked()
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/popup' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler?.({ url: 'app://kiosk/index.html' })).toEqual({ action: 'deny' })
  })
})
