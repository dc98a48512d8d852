import type { BrowserWindow, WebContents } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { lockNavigation } from '../../../src/main/electron/navigation'
import { watchForPageGone } from '../../../src/main/electron/page-lifecycle'
import { FakeWebContents } from '../support/fake-browser-window'
import { memoryLogger } from '../support/memory-log'

type Listener = (...args: unknown[]) => void

/** A window whose page is locked the way main locks it, watched the way main watches it. */
function watchedWindow() {
  const webContents = new FakeWebContents()
  lockNavigation(webContents as unknown as WebContents, memoryLogger())
  const windowListeners = new Map<string, Listener>()
  const window = {
    webContents,
    on: (event: string, listener: Listener) => void windowListeners.set(event, listener),
  }
  const pageGone = vi.fn<(reason: string) => void>()
  watchForPageGone(window as unknown as Pick<BrowserWindow, 'on' | 'webContents'>, pageGone)
  /** Calls every listener of `name` with an event object carrying `fields`, as Electron does. */
  const fire = (name: string, fields: Record<string, unknown>, ...args: unknown[]) => {
    const event = { ...fields, preventDefault: () => undefined }
    for (const listener of webContents.listeners.get(name) ?? []) (listener as Listener)(event, ...args)
  }
  return { webContents, windowListeners, pageGone, fire }
}

describe('watchForPageGone', () => {
  it('does not report the page gone for a navigation that the lock cancels', () => {
    const { webContents, pageGone, fire } = watchedWindow()
    // Electron reports the start of a navigation before `will-navigate` gives the lock its say.
    fire('did-start-navigation', {
      url: 'app://kiosk/index.html',
      isMainFrame: true,
      isSameDocument: false,
    })
    expect(webContents.emit('will-navigate', 'app://kiosk/index.html').prevented).toBe(true)
    fire('did-start-navigation', { url: 'https://evil.example/', isMainFrame: true, isSameDocument: false })
    expect(webContents.emit('will-navigate', 'https://evil.example/').prevented).toBe(true)
    expect(pageGone).not.toHaveBeenCalled()
  })

  it('reports the page gone when another page commits, the renderer dies or the window closes', () => {
    const { windowListeners, pageGone, fire } = watchedWindow()
    fire('did-navigate', {}, 'app://kiosk/index.html', -1, '')
    expect(pageGone).toHaveBeenLastCalledWith('page replaced')
    fire('render-process-gone', {}, { reason: 'crashed', exitCode: 1 })
    expect(pageGone).toHaveBeenLastCalledWith('renderer gone')
    windowListeners.get('closed')?.()
    expect(pageGone).toHaveBeenLastCalledWith('window closed')
    expect(pageGone).toHaveBeenCalledTimes(3)
  })

  it('ignores navigations inside the page', () => {
    const { pageGone, fire } = watchedWindow()
    fire('did-navigate-in-page', {}, 'app://kiosk/index.html#stage', true)
    fire('did-start-navigation', { url: 'app://kiosk/index.html#x', isMainFrame: true, isSameDocument: true })
    expect(pageGone).not.toHaveBeenCalled()
  })
})
