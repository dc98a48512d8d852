import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import type { DiagnosticCheck } from '../../../shared/diagnostics'
import { passLine } from './check-line'

export interface RuntimeVersions {
  app: string
  /** Only in the Electron shell; the web host runs in whatever browser opens it. */
  electron?: string
  chromium?: string
  node: string
}

const PackageJsonSchema = z.object({ version: z.string().min(1) })

/** The app's version from the nearest package.json above this module (also inside an Electron asar). */
export function readAppVersion(from: string = import.meta.dirname): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  try {
    return PackageJsonSchema.parse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).version
  } catch {
    return 'unknown'
  }
}

export function runtimeVersions(): RuntimeVersions {
  const { electron, chrome, node } = process.versions as NodeJS.ProcessVersions & {
    electron?: string
    chrome?: string
  }
  return {
    app: readAppVersion(),
    ...(electron ? { electron } : {}),
    ...(chrome ? { chromium: chrome } : {}),
    node,
  }
}

/** Always a pass: the versions are what a support request needs first. */
export function checkVersions(versions: RuntimeVersions): DiagnosticCheck {
  const parts = [
    `App ${versions.app}`,
    versions.electron ? `Electron ${versions.electron}` : 'web host (no Electron)',
    ...(versions.chromium ? [`Chromium ${versions.chromium}`] : []),
    `Node ${versions.node}`,
  ]
  return passLine('versions', 'Versions', parts.join(' · '))
}
