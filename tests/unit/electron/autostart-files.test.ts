import { describe, expect, it } from 'vitest'
import {
  autostartEntryPath,
  desktopEntry,
  desktopExecArgument,
  launchCommand,
  systemdExecArgument,
  systemdUserUnit,
  webHostInstructions,
} from '../../../src/main/services/autostart-files'
import { EXIT_CODES } from '../../../src/main/exit-codes'

/** Undoes Desktop Entry string escaping, then its argument quoting: what a launcher would execute. */
function parseDesktopExec(value: string): string[] {
  const unescaped = value.replace(/\\(.)/g, (_match, char: string) => (char === 's' ? ' ' : char))
  const args: string[] = []
  let current = ''
  let quoted = false
  let started = false
  for (let i = 0; i < unescaped.length; i += 1) {
    const char = unescaped[i] ?? ''
    if (quoted) {
      if (char === '\\') current += unescaped[++i] ?? ''
      else if (char === '"') quoted = false
      else current += char
    } else if (char === ' ') {
      if (started) args.push(current)
      current = ''
      started = false
    } else if (char === '"') {
      quoted = true
      started = true
    } else {
      current += char
      started = true
    }
  }
  if (started) args.push(current)
  return args.map((arg) => arg.replace(/%%/g, '%'))
}

describe('autostart file text', () => {
  it('puts the entry under $XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(autostartEntryPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/k')).toBe(
      '/cfg/autostart/avatar-kiosk.desktop',
    )
    expect(autostartEntryPath({ XDG_CONFIG_HOME: 'relative' }, '/home/k')).toBe(
      '/home/k/.config/autostart/avatar-kiosk.desktop',
    )
    expect(autostartEntryPath({}, '/home/k')).toBe('/home/k/.config/autostart/avatar-kiosk.desktop')
  })

  it('starts the AppImage file when there is one, the binary and app folder when unpackaged', () => {
    const base = { execPath: '/tmp/.mount_x/kiosk', appPath: '/repo', extraArgs: ['--data-dir', '/d'] }
    expect(launchCommand({ ...base, env: { APPIMAGE: '/opt/Kiosk.AppImage' }, isPackaged: true })).toEqual([
      '/opt/Kiosk.AppImage',
      '--data-dir',
      '/d',
    ])
    expect(launchCommand({ ...base, env: {}, isPackaged: true })).toEqual([
      '/tmp/.mount_x/kiosk',
      '--data-dir',
      '/d',
    ])
    expect(launchCommand({ ...base, env: {}, isPackaged: false })).toEqual([
      '/tmp/.mount_x/kiosk',
      '/repo',
      '--data-dir',
      '/d',
    ])
  })

  it('quotes Exec arguments per the Desktop Entry spec, round-tripping awkward paths', () => {
    expect(desktopExecArgument('/opt/kiosk/app')).toBe('/opt/kiosk/app')
    expect(desktopExecArgument('/home/a b/Kiosk.AppImage')).toBe('"/home/a b/Kiosk.AppImage"')
    expect(desktopExecArgument('C:\\x')).toBe('"C:\\\\\\\\x"')
    expect(desktopExecArgument('100%')).toBe('100%%')
    const awkward = ['/home/o\'neil/My Kiosk $1 "x" `y` 50%/Kiosk.AppImage', '--data-dir', '/d/a\\b', '']
    const exec = /^Exec=(.*)$/m.exec(desktopEntry(awkward))?.[1] ?? ''
    expect(parseDesktopExec(exec)).toEqual(awkward)
  })

  it('refuses a path with a line break instead of writing a broken entry', () => {
    expect(() => desktopEntry(['/opt/a\nExec=evil'])).toThrow(/control characters/)
    expect(() => systemdExecArgument('/opt/a\nExecStart=evil')).toThrow(/control characters/)
  })

  it('writes a systemd user unit that restarts after anything but a deliberate exit', () => {
    const unit = systemdUserUnit({
      description: 'Avatar Kiosk',
      command: ['/opt/my kiosk/app', '--x=$HOME', '50%'],
    })
    expect(unit).toContain('ExecStart="/opt/my kiosk/app" --x=$$HOME 50%%\n')
    expect(unit).toContain('Restart=always\n')
    expect(unit).toContain(
      `RestartPreventExitStatus=${EXIT_CODES.invalidConfig} ${EXIT_CODES.deliberateNoRestart}\n`,
    )
    expect(unit).toContain('WantedBy=graphical-session.target')
    expect(systemdExecArgument('a"b\\c')).toBe('"a\\"b\\\\c"')
  })

  it('tells the web host operator which unit to install, with absolute paths', () => {
    const text = webHostInstructions(
      { nodePath: '/usr/bin/node', repoDir: '/srv/kiosk', dataDir: '/var/kiosk data' },
      '/home/k/.config/systemd/user/avatar-kiosk.service',
    )
    expect(text).toContain('/home/k/.config/systemd/user/avatar-kiosk.service')
    expect(text).toContain('systemctl --user enable --now avatar-kiosk.service')
    expect(text).toContain('WorkingDirectory=/srv/kiosk\n')
    expect(text).toContain(
      'ExecStart=/usr/bin/node /srv/kiosk/node_modules/tsx/dist/cli.mjs /srv/kiosk/scripts/start.ts --web --data-dir "/var/kiosk data"\n',
    )
    expect(text).toContain('Restart=always')
  })
})
