import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { findElectronBinary } from './electron-binary'
import { ensureBuild } from './ensure-build'

/**
 * `npm start`: the kiosk in Electron. Electron 45 downloads its binary on first run; when that is impossible
 * (offline, or no display server), the same app runs through the web host and prints its URL instead.
 */
const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)

function run(command: string, commandArgs: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' })
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)))
  })
}

ensureBuild()
let code = await run(process.execPath, [resolve(root, 'node_modules/electron/cli.js'), '.', ...args])
if (code !== 0 && findElectronBinary(root) === undefined) {
  process.stderr.write(
    '\nThe Electron binary is not available on this machine (it downloads on first run, which needs internet).\n' +
      'Starting the same kiosk through the web host instead; open the URL below in Chromium or Chrome.\n\n',
  )
  code = await run(process.execPath, [resolve(root, 'out/main/web.js'), ...args])
}
process.exit(code)
