import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const OUTPUTS = [
  'out/main/index.js',
  'out/main/web.js',
  'out/main/sandbox.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
]
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json']

function newestMtime(path: string): number {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))))
}

/** Builds only when a source is newer than the build, so `npm run web` starts quickly the second time. */
export function ensureBuild(): void {
  const outputs = OUTPUTS.map((file) => join(root, file))
  const stale =
    outputs.some((file) => !existsSync(file)) ||
    Math.max(...INPUTS.map((input) => newestMtime(join(root, input)))) >
      Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  if (!stale) return
  process.stderr.write('Building the app (electron-vite build)…\n')
  // Build output goes to stderr: stdout belongs to the hosts' one-line JSON ready message.
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    },
  )
  if (result.status !== 0) {
    process.stderr.write('The build failed; see the messages above.\n')
    process.exit(result.status ?? 1)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuild()
