import { app } from 'electron'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname } from 'node:path'
import type { AutostartState } from '../../shared/diagnostics'
import type { AutostartControl } from '../services/autostart'
import { writeFileAtomic } from '../services/atomic-write'
import {
  autostartEntryPath,
  desktopEntry,
  launchCommand,
  LOGIN_ITEM_INSTRUCTIONS,
  systemdUnitPath,
  xdgInstructions,
  type Environment,
} from '../services/autostart-files'

export interface AutostartHost {
  platform: NodeJS.Platform
  env: Environment
  homeDir: string
  /** Arguments the next start needs as well (`--data-dir`). */
  extraArgs: readonly string[]
}

/**
 * Starting with the computer: a login item on Windows and macOS (`app.setLoginItemSettings`, which Linux lacks),
 * an XDG autostart entry on Linux. Other platforms get the manual instructions.
 */
export function electronAutostart(
  host: AutostartHost = { platform: process.platform, env: process.env, homeDir: homedir(), extraArgs: [] },
): AutostartControl {
  const command = launchCommand({
    env: host.env,
    execPath: process.execPath,
    appPath: app.getAppPath(),
    isPackaged: app.isPackaged,
    extraArgs: host.extraArgs,
  })
  if (host.platform === 'win32' || host.platform === 'darwin') return loginItem(host.platform, command)
  return xdgEntry(host, command)
}

function loginItem(platform: 'win32' | 'darwin', command: readonly string[]): AutostartControl {
  // Windows starts whatever path and arguments are registered (and matches them when asked); macOS starts the app bundle.
  const [path = process.execPath, ...args] = command
  const target = platform === 'win32' ? { path, args } : {}
  const state = (): AutostartState => ({
    mechanism: 'login-item',
    enabled: app.getLoginItemSettings(target).openAtLogin,
    instructions: LOGIN_ITEM_INSTRUCTIONS,
  })
  return {
    state: async () => state(),
    setEnabled: async (enabled) => {
      app.setLoginItemSettings({ openAtLogin: enabled, ...target })
      return state()
    },
  }
}

function xdgEntry(host: AutostartHost, command: readonly string[]): AutostartControl {
  const entryPath = autostartEntryPath(host.env, host.homeDir)
  const instructions = xdgInstructions(entryPath, systemdUnitPath(host.env, host.homeDir), command)
  const state = async (): Promise<AutostartState> => ({
    mechanism: 'xdg',
    enabled: await readFile(entryPath, 'utf8').then(
      (text) => !/^Hidden\s*=\s*true\s*$/m.test(text),
      () => false,
    ),
    instructions,
  })
  return {
    state,
    setEnabled: async (enabled) => {
      if (enabled) {
        // Owner-only folder, as the XDG spec asks of the config home; the entry itself is an ordinary 0644 file.
        await mkdir(dirname(entryPath), { recursive: true, mode: 0o700 })
        await writeFileAtomic(entryPath, desktopEntry(command), { mode: 0o644 })
      } else {
        await rm(entryPath, { force: true })
      }
      return state()
    },
  }
}
