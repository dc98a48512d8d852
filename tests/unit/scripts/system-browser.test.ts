import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  browserArguments,
  findSystemBrowser,
  hasDisplay,
  savedWindowMode,
} from '../../../scripts/system-browser'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const installed =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path)

describe('findSystemBrowser', () => {
  it('looks on the Linux PATH, preferring Chromium over Chrome over Edge', () => {
    const env = { PATH: '/usr/local/bin:/usr/bin:/snap/bin' }
    expect(
      findSystemBrowser({
        platform: 'linux',
        env,
        exists: installed('/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/usr/bin/microsoft-edge'),
      }),
    ).toBe('/snap/bin/chromium')
    expect(
      findSystemBrowser({
        platform: 'linux',
        env,
        exists: installed('/usr/bin/google-chrome', '/usr/bin/microsoft-edge'),
      }),
    ).toBe('/usr/bin/google-chrome')
    expect(
      findSystemBrowser({ platform: 'linux', env, exists: installed('/usr/bin/chromium-browser') }),
    ).toBe('/usr/bin/chromium-browser')
    expect(findSystemBrowser({ platform: 'linux', env, exists: installed('/opt/chromium') })).toBeUndefined()
    expect(findSystemBrowser({ platform: 'linux', env: {}, exists: () => true })).toBeUndefined()
  })

  it('looks in the usual macOS application folders', () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'
    expect(
      findSystemBrowser({ platform: 'darwin', env: { HOME: '/Users/k' }, exists: installed(chrome) }),
    ).toBe(chrome)
    const userEdge = '/Users/k/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'
    expect(
      findSystemBrowser({ platform: 'darwin', env: { HOME: '/Users/k' }, exists: installed(userEdge) }),
    ).toBe(userEdge)
    // The PATH does not count on macOS: browsers live in app bundles.
    expect(
      findSystemBrowser({
        platform: 'darwin',
        env: { PATH: '/usr/bin' },
        exists: installed('/usr/bin/chromium'),
      }),
    ).toBeUndefined()
  })

  it('looks under Program Files and the local app data on Windows, whatever the variable case', () => {
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'
    const env = { PROGRAMFILES: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' }
    expect(findSystemBrowser({ platform: 'win32', env, exists: installed(edge) })).toBe(edge)
    const userChrome = 'C:\\Users\\k\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe'
    expect(
      findSystemBrowser({
        platform: 'win32',
        env: { LOCALAPPDATA: 'C:\\Users\\k\\AppData\\Local' },
        exists: installed(userChrome),
      }),
    ).toBe(userChrome)
  })
})

describe('hasDisplay', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux, and nothing on Windows or macOS', () => {
    expect(hasDisplay('linux', {})).toBe(false)
    expect(hasDisplay('linux', { DISPLAY: '' })).toBe(false)
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true)
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true)
    expect(hasDisplay('win32', {})).toBe(true)
    expect(hasDisplay('darwin', {})).toBe(true)
  })
})

describe('browserArguments', () => {
  const url = 'http://127.0.0.1:4321/?token=abc'
  const base = { url, userDataDir: '/data/browser-profile' }

  it('uses a profile of its own, allows autoplay and shows the page as an app', () => {
    const args = browserArguments({ ...base, windowMode: 'windowed' })
    expect(args).toContain('--user-data-dir=/data/browser-profile')
    expect(args).toContain('--autoplay-policy=no-user-gesture-required')
    expect(args).toContain(`--app=${url}`)
    expect(args).not.toContain('--kiosk')
    expect(args).not.toContain('--start-fullscreen')
  })

  it('uses kiosk mode when the settings say kiosk, and full screen when they say fullscreen', () => {
    expect(browserArguments({ ...base, windowMode: 'kiosk' })).toEqual(
      expect.arrayContaining(['--kiosk', `--app=${url}`]),
    )
    const fullscreen = browserArguments({ ...base, windowMode: 'fullscreen' })
    expect(fullscreen).toEqual(expect.arrayContaining(['--start-fullscreen', `--app=${url}`]))
    expect(fullscreen).not.toContain('--kiosk')
  })
})

describe('savedWindowMode', () => {
  it('reads the saved mode, and falls back to kiosk for a missing, damaged or partial file', async () => {
    const dir = await tempDir()
    expect(savedWindowMode(dir)).toBe('kiosk')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ display: { windowMode: 'windowed' } }))
    expect(savedWindowMode(dir)).toBe('windowed')
    await writeFile(join(dir, 'settings.json'), '{ broken')
    expect(savedWindowMode(dir)).toBe('kiosk')
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ display: { windowMode: 'tiny' } }))
    expect(savedWindowMode(dir)).toBe('kiosk')
  })
})
