import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
const NEEDED = ['out/main/web.js', 'out/main/sandbox.js', 'out/renderer/index.html', 'out/renderer/vad']

/**
 * A private copy of the build for the length of the run: a rebuild of the shared `out/` during an hour's soak
 * (its `emptyOutDir`) would otherwise take the VAD model from under a reloading page. Inside the repository,
 * so the hosts still find node_modules and resources/ by walking up.
 */
export function snapshotBuild(): { dir: string; remove(): void } {
  const dir = join(ROOT, '.tmp/soak-build', String(process.pid))
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  cpSync(join(ROOT, 'out'), join(dir, 'out'), { recursive: true })
  const missing = NEEDED.filter((path) => !existsSync(join(dir, path)))
  if (missing.length > 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`the build in out/ is incomplete (a build running?): no ${missing.join(', ')}`)
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
