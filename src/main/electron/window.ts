import { BrowserWindow, type BrowserWindowConstructorOptions, type WebPreferences } from 'electron'
import type { Settings } from '../../shared/settings/schema'
import type { Logger } from '../services/logger'
import { APP_ENTRY_URL } from './app-origin'
import { lockNavigation } from './navigation'

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

export function createKioskWindow(options: {
  mode: WindowMode
  preloadPath: string
  isPackaged: boolean
  log: Logger
}): BrowserWindow {
  const window = new BrowserWindow(kioskWindowOptions(options.mode, options.preloadPath, options.isPackaged))
  lockNavigation(window.webContents, options.log)
  window.webContents.on('before-input-event', (event, input) => {
    if (isBlockedKiosKey(input, options.isPackaged)) event.preventDefault()
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(APP_ENTRY_URL)
  return window
}
