import { existsSync, readFileSync } from 'node:fs'
import { join, posix, win32 } from 'node:path'
import { z } from 'zod'
import { WindowModeSchema } from '../src/shared/settings/schema'

/**
 * Finding a Chromium-family browser to show the web host in, when Electron cannot run: pure functions of the
 * platform, environment and file system they are given, so every platform is testable anywhere.
 */

export type Environment = Readonly<Record<string, string | undefined>>
export type WindowMode = z.infer<typeof WindowModeSchema>

export interface BrowserSearch {
  platform: NodeJS.Platform
  env: Environment
  exists: (path: string) => boolean
}

// In order of preference: the browsers the kiosk is tested with first.
const LINUX_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
  'microsoft-edge-stable',
  'microsoft-edge',
]
const MAC_APPS = [
  'Chromium.app/Contents/MacOS/Chromium',
  'Google Chrome.app/Contents/MacOS/Google Chrome',
  'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
]
const WINDOWS_PATHS = [
  'Chromium\\Application\\chrome.exe',
  'Google\\Chrome\\Application\\chrome.exe',
  'Microsoft\\Edge\\Application\\msedge.exe',
]

/** Windows environment names are case-insensitive; an injected object is not. */
function envValue(env: Environment, name: string): string | undefined {
  const key = Object.keys(env).find((candidate) => candidate.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : env[key]
}

function candidates({ platform, env }: BrowserSearch): string[] {
  if (platform === 'darwin') {
    const home = envValue(env, 'HOME')
    const roots = ['/Applications', ...(home ? [posix.join(home, 'Applications')] : [])]
    return roots.flatMap((root) => MAC_APPS.map((app) => posix.join(root, app)))
  }
  if (platform === 'win32') {
    const roots = ['ProgramFiles', 'ProgramFiles(x86)', 'LocalAppData']
      .map((name) => envValue(env, name))
      .filter((root): root is string => Boolean(root))
    return roots.flatMap((root) => WINDOWS_PATHS.map((path) => win32.join(root, path)))
  }
  const dirs = (envValue(env, 'PATH') ?? '').split(':').filter((dir) => dir !== '')
  return LINUX_NAMES.flatMap((name) => dirs.map((dir) => posix.join(dir, name)))
}

/** The first installed Chromium, Chrome or Edge, or undefined. */
export function findSystemBrowser(search: BrowserSearch): string | undefined {
  return candidates(search).find((path) => search.exists(path))
}

/** Windows and macOS always have a screen for a logged-in user; Linux and the BSDs need an X or Wayland server. */
export function hasDisplay(platform: NodeJS.Platform, env: Environment): boolean {
  if (platform === 'darwin' || platform === 'win32') return true
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}

export interface BrowserLaunch {
  url: string
  /** A profile of its own under the kiosk's data folder: the operator's everyday browser is left alone. */
  userDataDir: string
  windowMode: WindowMode
}

/** Chromium's command line for the kiosk: app mode (no tabs or address bar), or kiosk mode when set so. */
export function browserArguments({ url, userDataDir, windowMode }: BrowserLaunch): string[] {
  const mode =
    windowMode === 'kiosk'
      ? ['--kiosk', `--app=${url}`]
      : windowMode === 'fullscreen'
        ? ['--start-fullscreen', `--app=${url}`]
        : [`--app=${url}`]
  return [
    `--user-data-dir=${userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    // The avatar speaks as soon as it appears; nobody is there to click "play".
    '--autoplay-policy=no-user-gesture-required',
    ...mode,
  ]
}

const SavedWindowMode = z.object({ display: z.object({ windowMode: WindowModeSchema }) })

/**
 * The window mode the operator saved in the web host's settings; the settings' own default (kiosk) when the file
 * is missing, damaged or has none. The web host itself reports a damaged file; here it only picks a mode.
 */
export function savedWindowMode(dataDir: string): WindowMode {
  const file = join(dataDir, 'settings.json')
  if (!existsSync(file)) return 'kiosk'
  try {
    const parsed = SavedWindowMode.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data.display.windowMode : 'kiosk'
  } catch {
    return 'kiosk'
  }
}
