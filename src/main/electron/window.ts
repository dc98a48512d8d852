import { BrowserWindow, type BrowserWindowConstructorOptions, type WebPreferences } from 'electron'
import type { Settings } from '../../shared/settings/schema'
import { APP_ENTRY_URL } from './app-origin'

type WindowMode = Settings['display']['windowMode']

/** The Electron security checklist, in one place so a unit test can hold every line of it. */
export function kioskWebPreferences(preloadPath: string, isPackaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
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
    devTools: !isPackaged,
    // The avatar must speak without a tap: a kiosk has nobody to click "play".
    autoplayPolicy: 'no-user-gesture-required',
    backgroundThrottling: false,
  }
}

export function kioskWindowOptions(
  mode: WindowMode,
  preloadPath: string,
  isPackaged: boolean,
): BrowserWindowConstructorOptions {
  return {
    width: 1080,
    height: 1920,
    show: false,
    backgroundColor: '#0b1d2a',
    autoHideMenuBar: true,
    kiosk: mode === 'kiosk',
    fullscreen: mode !== 'windowed',
    frame: mode === 'windowed',
    title: 'Avatar Kiosk',
    webPreferences: kioskWebPreferences(preloadPath, isPackaged),
  }
}

/** Applies a changed window mode live, without reloading the page or its avatar session. */
export function applyWindowMode(window: BrowserWindow, mode: WindowMode): void {
  window.setKiosk(mode === 'kiosk')
  window.setFullScreen(mode !== 'windowed')
}

/** Keys a visitor could use to leave, reload or inspect the kiosk. */
export function isBlockedKiosKey(
  input: { key: string; control: boolean; meta: boolean; alt: boolean; shift: boolean },
  isPackaged: boolean,
): boolean {
  const key = input.key.toLowerCase()
  const command = input.control || input.meta
  if (
    key === 'f5' ||
    key === 'f11' ||
    (command && (key === 'r' || key === 'w' || key === 'q' || key === 'n' || key === 't'))
  )
    return true
  if (input.alt && key === 'f4') return true
  if (
    isPackaged &&
    (key === 'f12' || (command && input.shift && (key === 'i' || key === 'j' || key === 'c')))
  )
    return true
  return false
}

/** The kiosk window. Its navigation lock is not set here: main locks every web contents as it is created. */
export function createKioskWindow(options: {
  mode: WindowMode
  preloadPath: string
  isPackaged: boolean
}): BrowserWindow {
  // electronegativity-ignore: CONTEXT_ISOLATION_JS_CHECK, SANDBOX_JS_CHECK — the scanner cannot see through
  // kioskWindowOptions(): kioskWebPreferences() sets contextIsolation and sandbox to true, and
  // tests/unit/electron/window.test.ts holds every line of it.
  // electronegativity-ignore: AUXCLICK_JS_CHECK — a middle-click has nowhere to go: lockNavigation(), set on
  // every web contents, denies every new window and cancels every navigation (navigation.test.ts).
  const window = new BrowserWindow(kioskWindowOptions(options.mode, options.preloadPath, options.isPackaged))
  window.webContents.on('before-input-event', (event, input) => {
    if (isBlockedKiosKey(input, options.isPackaged)) event.preventDefault()
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(APP_ENTRY_URL)
  return window
}
