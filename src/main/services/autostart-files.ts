import { isAbsolute, join } from 'node:path'
import { NO_RESTART_EXIT_CODES } from '../exit-codes'

/**
 * The text of the files that start the kiosk with the computer: an XDG autostart entry and a systemd user unit.
 * Pure functions of their inputs (environment, paths), so every platform's output is testable on any machine.
 */

export const AUTOSTART_ENTRY_NAME = 'avatar-kiosk.desktop'
export const SYSTEMD_UNIT_NAME = 'avatar-kiosk.service'
const APP_NAME = 'Avatar Kiosk'

export type Environment = Readonly<Record<string, string | undefined>>

/** The XDG Base Directory rule: `$XDG_CONFIG_HOME` when set to an absolute path, else `~/.config`. */
export function xdgConfigHome(env: Environment, homeDir: string): string {
  const configured = env.XDG_CONFIG_HOME
  return configured && isAbsolute(configured) ? configured : join(homeDir, '.config')
}

export function autostartEntryPath(env: Environment, homeDir: string): string {
  return join(xdgConfigHome(env, homeDir), 'autostart', AUTOSTART_ENTRY_NAME)
}

export function systemdUnitPath(env: Environment, homeDir: string): string {
  return join(xdgConfigHome(env, homeDir), 'systemd', 'user', SYSTEMD_UNIT_NAME)
}

export interface LaunchTarget {
  env: Environment
  /** `process.execPath`: the Electron binary, or the app's own executable once packaged. */
  execPath: string
  /** `app.getAppPath()`: what an unpackaged Electron must be given to find the app. */
  appPath: string
  isPackaged: boolean
  /** Arguments this launch was given that the next one needs too (`--data-dir`). */
  extraArgs: readonly string[]
}

/**
 * The command that starts this same kiosk again. An AppImage runs from a temporary mount whose path changes on
 * every start, so the image file itself (`$APPIMAGE`) is what must be started.
 */
export function launchCommand(target: LaunchTarget): string[] {
  const appImage = target.env.APPIMAGE
  if (appImage) return [appImage, ...target.extraArgs]
  if (target.isPackaged) return [target.execPath, ...target.extraArgs]
  return [target.execPath, target.appPath, ...target.extraArgs]
}

function refuseControlCharacters(argument: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(argument)) {
    throw new Error(`A start-up command cannot contain control characters: ${JSON.stringify(argument)}`)
  }
}

// The Desktop Entry spec's reserved characters: an argument with any of them must be double-quoted.
const DESKTOP_RESERVED = /[ \t"'\\><~|&;$*?#()`]/

/**
 * One `Exec=` argument per the Desktop Entry spec: quoted when it holds a reserved character (with `"`, `` ` ``,
 * `$` and `\` escaped inside the quotes), `%` doubled so it is not read as a field code, and then every backslash
 * doubled again, because the string-value escaping is applied before the quoting is undone.
 */
export function desktopExecArgument(argument: string): string {
  refuseControlCharacters(argument)
  const quoted =
    argument === '' || DESKTOP_RESERVED.test(argument)
      ? `"${argument.replace(/["`$\\]/g, '\\$&')}"`
      : argument
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\')
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${APP_NAME}`,
    'Comment=Starts the avatar kiosk when this user logs in',
    `Exec=${command.map(desktopExecArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

/**
 * One `ExecStart=` argument as systemd splits command lines: double-quoted with C escapes when it holds
 * whitespace, quotes or backslashes; `%` (specifiers) and `$` (variable expansion) doubled so they stay literal.
 */
export function systemdExecArgument(argument: string): string {
  refuseControlCharacters(argument)
  const quoted =
    argument === '' || /[\s"'\\]/.test(argument) ? `"${argument.replace(/[\\"]/g, '\\$&')}"` : argument
  return quoted.replace(/%/g, '%%').replace(/\$/g, '$$$$')
}

export interface SystemdUnitOptions {
  description: string
  command: readonly string[]
  workingDirectory?: string
}

/** A user unit that starts with the desktop session and is started again after any exit but a deliberate one. */
export function systemdUserUnit(options: SystemdUnitOptions): string {
  if (options.workingDirectory !== undefined) refuseControlCharacters(options.workingDirectory)
  return [
    '[Unit]',
    `Description=${options.description}`,
    // It draws on the screen, so it needs the graphical session (and its DISPLAY or WAYLAND_DISPLAY).
    'After=graphical-session.target',
    'PartOf=graphical-session.target',
    '',
    '[Service]',
    ...(options.workingDirectory !== undefined
      ? [`WorkingDirectory=${options.workingDirectory.replace(/%/g, '%%')}`]
      : []),
    `ExecStart=${options.command.map(systemdExecArgument).join(' ')}`,
    'Restart=always',
    'RestartSec=5',
    `RestartPreventExitStatus=${NO_RESTART_EXIT_CODES.join(' ')}`,
    '',
    '[Install]',
    'WantedBy=graphical-session.target',
    '',
  ].join('\n')
}

function installSteps(unitPath: string): string {
  return (
    `Save it as ${unitPath}, then run:\n` +
    `  systemctl --user daemon-reload && systemctl --user enable --now ${SYSTEMD_UNIT_NAME}\n` +
    'Let the kiosk account log in automatically, so the session (and the unit) starts after a power cut.'
  )
}

/** What the admin panel shows next to the Linux switch: where the entry lives, and the crash-proof alternative. */
export function xdgInstructions(entryPath: string, unitPath: string, command: readonly string[]): string {
  const unit = systemdUserUnit({ description: APP_NAME, command })
  return (
    `When on, ${entryPath} starts the kiosk each time this user logs in to the desktop.\n` +
    'To have it started again after a crash or a kill as well, turn this off and install this systemd user unit ' +
    `instead. ${installSteps(unitPath)}\n\n${unit}`
  )
}

export const LOGIN_ITEM_INSTRUCTIONS =
  'When on, the operating system starts the kiosk each time this user logs in. Let the kiosk account log in ' +
  'automatically, so it starts by itself after a power cut.'

export interface WebHostLaunch {
  nodePath: string
  repoDir: string
  dataDir: string
}

/**
 * The web host has no way to add itself to the computer's start-up: the operator installs this unit, which runs
 * `npm start -- --web` (the web host, then Chromium or Chrome in kiosk or app mode) with absolute paths, since a
 * user unit does not see the shell's PATH.
 */
export function webHostInstructions(launch: WebHostLaunch, unitPath: string): string {
  const unit = systemdUserUnit({
    description: `${APP_NAME} (web host and browser)`,
    workingDirectory: launch.repoDir,
    command: [
      launch.nodePath,
      join(launch.repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(launch.repoDir, 'scripts', 'start.ts'),
      '--web',
      '--data-dir',
      launch.dataDir,
    ],
  })
  return (
    "This kiosk runs in a browser through the web host, which cannot add itself to the computer's start-up. " +
    'To start it with the computer and restart it after a crash, install this systemd user unit: it starts the ' +
    `web host and opens Chromium or Chrome in kiosk or app mode. ${installSteps(unitPath)}\n\n${unit}`
  )
}
