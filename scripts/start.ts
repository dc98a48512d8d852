import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { webHostDataDir } from '../src/main/web/data-dir'
import { findElectronBinary } from './electron-binary'
import { ensureBuild } from './ensure-build'
import { browserArguments, findSystemBrowser, hasDisplay, savedWindowMode } from './system-browser'

/**
 * `npm start`: the kiosk in Electron. Electron 45 downloads its binary on first run; when it is missing
 * (offline) or there is no display, the same app runs through the web host instead, shown in the system's
 * Chromium or Chrome when one is installed, else its URL is printed.
 *
 * Own flags (the rest go to the kiosk): `--web` always uses the web host; `--no-browser` only prints the URL.
 */
const root = resolve(import.meta.dirname, '..')
const START_FLAGS = new Set(['--web', '--no-browser'])
const passThrough = process.argv.slice(2).filter((arg) => !START_FLAGS.has(arg))
const forceWeb = process.argv.includes('--web')
const noBrowser = process.argv.includes('--no-browser')

const children = new Set<ChildProcess>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal)
  })
}

function started(
  command: string,
  args: string[],
  stdio: 'inherit' | 'ignore' | ['ignore', 'pipe', 'inherit'],
) {
  const child = spawn(command, args, { cwd: root, stdio })
  children.add(child)
  const exited = new Promise<number>((done) => {
    child.on('exit', (code, signal) => {
      children.delete(child)
      done(code ?? (signal ? 1 : 0))
    })
    // A browser that cannot start at all (permissions, a broken install) counts as one that closed.
    child.on('error', (error) => {
      children.delete(child)
      process.stderr.write(`Could not start ${command}: ${error.message}\n`)
      done(1)
    })
  })
  return { child, exited }
}

/** Why Electron is not used, or undefined when it can be. */
function whyNotElectron(): string | undefined {
  if (forceWeb) return undefined
  if (findElectronBinary(root) === undefined) {
    return 'The Electron binary is not available on this machine (it downloads on first run, which needs internet).'
  }
  if (!hasDisplay(process.platform, process.env)) {
    return 'There is no display (DISPLAY and WAYLAND_DISPLAY are unset), so Electron cannot open a window.'
  }
  return undefined
}

/** The web host prints one JSON ready line with its URL; the URL carries the launch's access token. */
function readyUrl(host: ChildProcess): Promise<string | undefined> {
  return new Promise((done) => {
    if (!host.stdout) return done(undefined)
    let url: string | undefined
    const lines = createInterface({ input: host.stdout })
    lines.on('line', (line) => {
      // Forwarded as before: the terminal is where the operator reads the URL. It goes to no log file.
      process.stdout.write(`${line}\n`)
      if (url !== undefined) return
      try {
        const message = JSON.parse(line) as { ready?: unknown; url?: unknown }
        if (message.ready === true && typeof message.url === 'string') done((url = message.url))
      } catch {
        // Not the ready line.
      }
    })
    lines.on('close', () => {
      if (url === undefined) done(undefined)
    })
  })
}

function dataDirArgument(): string | undefined {
  const { values } = parseArgs({
    args: passThrough,
    options: { 'data-dir': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  })
  return typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined
}

async function runWebHost(): Promise<number> {
  const host = started(
    process.execPath,
    [join(root, 'out/main/web.js'), ...passThrough],
    ['ignore', 'pipe', 'inherit'],
  )
  const url = await readyUrl(host.child)
  if (url === undefined) return host.exited

  const browser = findSystemBrowser({ platform: process.platform, env: process.env, exists: existsSync })
  const why = noBrowser
    ? undefined
    : !hasDisplay(process.platform, process.env)
      ? 'there is no display'
      : browser === undefined
        ? 'no Chromium, Chrome or Edge is installed'
        : undefined
  if (noBrowser || browser === undefined || why !== undefined) {
    process.stderr.write(
      `\nOpen the URL above in Chromium or Chrome${why ? ` (${why} to open it in)` : ''}.\n`,
    )
    return host.exited
  }

  const dataDir = webHostDataDir(dataDirArgument())
  const windowMode = savedWindowMode(dataDir)
  const args = browserArguments({ url, userDataDir: join(dataDir, 'browser-profile'), windowMode })
  process.stderr.write(
    `\nShowing the kiosk in ${browser} (${windowMode}). Closing the browser stops the kiosk.\n`,
  )
  const shown = started(browser, args, 'ignore')
  // Either one ending ends both, so a watchdog (a systemd unit) sees the exit and starts the pair again.
  const first = await Promise.race([
    host.exited.then((code) => ({ which: 'host' as const, code })),
    shown.exited.then((code) => ({ which: 'browser' as const, code })),
  ])
  if (first.which === 'host') {
    shown.child.kill('SIGTERM')
    return first.code
  }
  host.child.kill('SIGTERM')
  return host.exited
}

ensureBuild()
const reason = whyNotElectron()
let code: number
if (!forceWeb && reason === undefined) {
  code = await started(
    process.execPath,
    [join(root, 'node_modules/electron/cli.js'), '.', ...passThrough],
    'inherit',
  ).exited
} else {
  if (reason !== undefined)
    process.stderr.write(`${reason}\nStarting the same kiosk through the web host instead.\n\n`)
  code = await runWebHost()
}
process.exit(code)
