import type { BrowserWindow, WebContents } from 'electron'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  applyWindowMode,
  createKioskWindow,
  isBlockedKiosKey,
  kioskWebPreferences,
  kioskWindowOptions,
} from '../../../src/main/electron/window'
import { lockNavigation } from '../../../src/main/electron/navigation'
import { FakeBrowserWindow } from '../support/fake-browser-window'
import { memoryLogger } from '../support/memory-log'

vi.mock('electron', async () => {
  const { FakeBrowserWindow: BrowserWindow } = await import('../support/fake-browser-window')
  return { BrowserWindow }
})

afterEach(() => {
  FakeBrowserWindow.instances = []
})

const PRELOAD = '/app/out/preload/index.cjs'

function key(
  name: string,
  modifiers: Partial<{ control: boolean; meta: boolean; alt: boolean; shift: boolean }> = {},
) {
  return { key: name, control: false, meta: false, alt: false, shift: false, ...modifiers }
}

describe('kioskWebPreferences', () => {
  it('holds the whole Electron security checklist', () => {
    expect(kioskWebPreferences(PRELOAD, true)).toEqual({
      preload: PRELOAD,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
      autoplayPolicy: 'no-user-gesture-required',
      backgroundThrottling: false,
    })
  })

  it('allows devtools only in development builds', () => {
    expect(kioskWebPreferences(PRELOAD, true).devTools).toBe(false)
    expect(kioskWebPreferences(PRELOAD, false).devTools).toBe(true)
    const dev = kioskWebPreferences(PRELOAD, false)
    expect(dev).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    })
  })
})

describe('kioskWindowOptions', () => {
  it.each([
    ['kiosk', { kiosk: true, fullscreen: true, frame: false }],
    ['fullscreen', { kiosk: false, fullscreen: true, frame: false }],
    ['windowed', { kiosk: false, fullscreen: false, frame: true }],
  ] as const)('sets up %s mode', (mode, expected) => {
    const options = kioskWindowOptions(mode, PRELOAD, true)
    expect(options).toMatchObject({ ...expected, show: false, autoHideMenuBar: true })
    expect(options.webPreferences).toEqual(kioskWebPreferences(PRELOAD, true))
  })
})

describe('createKioskWindow', () => {
  function create(isPackaged = true) {
    const window = createKioskWindow({ mode: 'kiosk', preloadPath: PRELOAD, isPackaged })
    const fake = FakeBrowserWindow.instances.at(-1)
    if (!fake) throw new Error('no window created')
    expect(window).toBe(fake)
    return { fake }
  }

  it('creates the window with the kiosk options and loads the app origin', () => {
    const { fake } = create()
    expect(fake.options).toEqual(kioskWindowOptions('kiosk', PRELOAD, true))
    expect(fake.calls).toEqual([['loadURL', 'app://kiosk/index.html']])
    fake.onceListeners.get('ready-to-show')?.()
    expect(fake.calls).toContainEqual(['show'])
  })

  it('leaves the navigation lock to main, so the window is locked once, not twice', () => {
    const { fake } = create()
    // Main locks every web contents as Electron creates it (`web-contents-created`), this window's included.
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview'])
      expect(fake.webContents.listeners.get(event), event).toBeUndefined()
    expect(fake.webContents.windowOpenHandler).toBeUndefined()
    const log = memoryLogger()
    lockNavigation(fake.webContents as unknown as WebContents, log)
    expect(fake.webContents.listeners.get('will-navigate')).toHaveLength(1)
    expect(fake.webContents.emit('will-navigate', 'app://kiosk/index.html').prevented).toBe(true)
    expect(log.entries).toHaveLength(1)
  })

  it('blocks reload and close keys and lets ordinary typing through', () => {
    const { fake } = create()
    const press = (input: ReturnType<typeof key>) =>
      fake.webContents.emit('before-input-event', input).prevented
    for (const blocked of [
      key('F5'),
      key('F11'),
      key('r', { control: true }),
      key('R', { meta: true }),
      key('w', { control: true }),
      key('q', { meta: true }),
      key('n', { control: true }),
      key('t', { control: true }),
      key('F4', { alt: true }),
      key('F12'),
      key('I', { control: true, shift: true }),
      key('j', { meta: true, shift: true }),
    ]) {
      expect(press(blocked), JSON.stringify(blocked)).toBe(true)
    }
    for (const allowed of [
      key('a'),
      key('r'),
      key('Enter'),
      key('1'),
      key('F4'),
      key('c', { control: true }),
    ]) {
      expect(press(allowed), JSON.stringify(allowed)).toBe(false)
    }
  })
})

describe('isBlockedKiosKey', () => {
  it('leaves the devtools keys to development builds', () => {
    expect(isBlockedKiosKey(key('F12'), false)).toBe(false)
    expect(isBlockedKiosKey(key('i', { control: true, shift: true }), false)).toBe(false)
    expect(isBlockedKiosKey(key('F12'), true)).toBe(true)
    expect(isBlockedKiosKey(key('r', { control: true }), false)).toBe(true)
  })
})

describe('applyWindowMode', () => {
  it.each([
    ['kiosk', true, true],
    ['fullscreen', false, true],
    ['windowed', false, false],
  ] as const)('switches to %s live', (mode, kiosk, fullscreen) => {
    const fake = new FakeBrowserWindow({})
    applyWindowMode(fake as unknown as BrowserWindow, mode)
    expect(fake.calls).toEqual([
      ['setKiosk', kiosk],
      ['setFullScreen', fullscreen],
    ])
  })
})
