import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { electronAutostart } from '../../../src/main/electron/autostart'
import { useTempDirs } from '../support/temp-dir'

const electron = vi.hoisted(() => {
  const loginItem = { openAtLogin: false }
  return {
    loginItem,
    app: {
      isPackaged: true,
      getAppPath: vi.fn(() => '/repo'),
      getLoginItemSettings: vi.fn((_options?: unknown) => ({ ...loginItem })),
      setLoginItemSettings: vi.fn((settings: { openAtLogin: boolean }) => {
        loginItem.openAtLogin = settings.openAtLogin
      }),
    },
  }
})
vi.mock('electron', () => ({ app: electron.app }))

const tempDir = useTempDirs()

beforeEach(() => {
  electron.loginItem.openAtLogin = false
  electron.app.isPackaged = true
  vi.clearAllMocks()
})

describe('electronAutostart', () => {
  it('uses a login item with the executable and its arguments on Windows', async () => {
    const control = electronAutostart({
      platform: 'win32',
      env: {},
      homeDir: 'C:\\Users\\k',
      extraArgs: ['--data-dir', 'D:\\kiosk'],
    })
    expect(await control.state()).toMatchObject({ mechanism: 'login-item', enabled: false })
    const state = await control.setEnabled(true)
    expect(state).toMatchObject({ mechanism: 'login-item', enabled: true })
    expect(electron.app.setLoginItemSettings).toHaveBeenCalledWith({
      openAtLogin: true,
      path: process.execPath,
      args: ['--data-dir', 'D:\\kiosk'],
    })
    // Windows matches the registered path and arguments when asked, so it is asked with the same ones.
    expect(electron.app.getLoginItemSettings).toHaveBeenLastCalledWith({
      path: process.execPath,
      args: ['--data-dir', 'D:\\kiosk'],
    })
    expect(await control.setEnabled(false)).toMatchObject({ enabled: false })
    expect(electron.app.setLoginItemSettings).toHaveBeenLastCalledWith(
      expect.objectContaining({ openAtLogin: false }),
    )
  })

  it('uses a plain login item on macOS', async () => {
    const control = electronAutostart({ platform: 'darwin', env: {}, homeDir: '/Users/k', extraArgs: [] })
    expect(await control.setEnabled(true)).toMatchObject({ mechanism: 'login-item', enabled: true })
    expect(electron.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true })
  })

  it('writes the XDG entry for an AppImage under $XDG_CONFIG_HOME and removes it when turned off', async () => {
    const config = await tempDir()
    const control = electronAutostart({
      platform: 'linux',
      env: { XDG_CONFIG_HOME: config, APPIMAGE: '/home/k/Apps/Avatar Kiosk.AppImage' },
      homeDir: '/nonexistent-home',
      extraArgs: [],
    })
    const entry = join(config, 'autostart', 'avatar-kiosk.desktop')
    expect(await control.state()).toMatchObject({ mechanism: 'xdg', enabled: false })

    const on = await control.setEnabled(true)
    expect(on).toMatchObject({ mechanism: 'xdg', enabled: true })
    expect(on.instructions).toContain(entry)
    expect(on.instructions).toContain('Restart=always')
    const text = await readFile(entry, 'utf8')
    expect(text).toMatch(/^\[Desktop Entry\]\n/)
    expect(text).toContain('Type=Application\n')
    expect(text).toContain('Exec="/home/k/Apps/Avatar Kiosk.AppImage"\n')
    expect((await stat(entry)).mode & 0o777).toBe(0o644)
    expect(electron.app.setLoginItemSettings).not.toHaveBeenCalled()

    expect(await control.setEnabled(false)).toMatchObject({ enabled: false })
    await expect(stat(entry)).rejects.toMatchObject({ code: 'ENOENT' })
    // Turning off what is already off is not an error.
    expect(await control.setEnabled(false)).toMatchObject({ enabled: false })
  })

  it('starts the Electron binary with the app folder when unpackaged and there is no AppImage', async () => {
    electron.app.isPackaged = false
    const home = await tempDir()
    const control = electronAutostart({
      platform: 'linux',
      env: {},
      homeDir: home,
      extraArgs: ['--data-dir', '/k d'],
    })
    await control.setEnabled(true)
    const text = await readFile(join(home, '.config', 'autostart', 'avatar-kiosk.desktop'), 'utf8')
    expect(text).toContain(`Exec=${process.execPath} /repo --data-dir "/k d"\n`)
  })

  it('reads an entry hidden by the desktop as off', async () => {
    const config = await tempDir()
    await mkdir(join(config, 'autostart'), { recursive: true })
    await writeFile(join(config, 'autostart', 'avatar-kiosk.desktop'), '[Desktop Entry]\nHidden=true\n')
    const control = electronAutostart({
      platform: 'linux',
      env: { XDG_CONFIG_HOME: config },
      homeDir: '/x',
      extraArgs: [],
    })
    expect(await control.state()).toMatchObject({ enabled: false })
  })
})
