import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * Where the Electron binary is, without triggering its download: `require('electron')` would try to fetch it,
 * which fails (slowly) on an offline machine.
 */
export function findElectronBinary(root: string = resolve(import.meta.dirname, '..')): string | undefined {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const candidate = override
    ? join(override, executable ?? 'electron')
    : executable
      ? join(pkg, 'dist', executable)
      : undefined
  return candidate !== undefined && existsSync(candidate) ? candidate : undefined
}
