import { chmodSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { z } from 'zod'
import {
  asarUnpacked,
  findOnPath,
  isExecutableFile,
  parseToolOverride,
  toolCandidates,
  type ToolCandidate,
} from './locate'

export const FFMPEG_OVERRIDE_ENV = 'AVATAR_KIOSK_FFMPEG'

const installerSchema = z.object({ path: z.string().min(1), version: z.string() })

export interface NpmFfmpeg {
  path: string
  version: string
}

/**
 * The static ffmpeg from @ffmpeg-installer (its platform package is an optional dependency, so only the
 * installing machine's platform is present). The package throws a string on unsupported platforms and
 * reports paths inside app.asar when packaged; both are handled here.
 */
export function npmFfmpeg(): NpmFfmpeg | undefined {
  // Memoized: the lookup reads the disk and may copy the binary, and its answer cannot change while running.
  if (memo === undefined) memo = { value: findNpmFfmpeg() }
  return memo.value
}

let memo: { value: NpmFfmpeg | undefined } | undefined

function findNpmFfmpeg(): NpmFfmpeg | undefined {
  let found: z.infer<typeof installerSchema>
  try {
    found = installerSchema.parse(createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg'))
  } catch {
    return undefined
  }
  const path = ensureExecutable(asarUnpacked(found.path))
  return path === undefined ? undefined : { path, version: found.version }
}

/**
 * npm 11 runs no install scripts and some unpackers drop mode bits, so the executable bit is checked here
 * rather than trusted. A read-only install (system-wide, a mounted image) gets a private executable copy.
 */
export function ensureExecutable(path: string): string | undefined {
  if (isExecutableFile(path)) return path
  try {
    const mode = statSync(path).mode
    try {
      chmodSync(path, mode | 0o111)
      if (isExecutableFile(path)) return path
    } catch {
      // Not ours to change: fall through to the private copy.
    }
    // A fresh private directory: a fixed name in the shared temp folder could be planted by another user.
    const directory = mkdtempSync(join(tmpdir(), 'avatar-kiosk-ffmpeg-'))
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }))
    const copy = join(directory, basename(path))
    copyFileSync(path, copy)
    chmodSync(copy, 0o755)
    return isExecutableFile(copy) ? copy : undefined
  } catch {
    return undefined
  }
}

/** Override, else system ffmpeg on PATH, else the npm copy; see toolCandidates for the rules. */
export function ffmpegCandidates(
  env: NodeJS.ProcessEnv = process.env,
  npm: () => string | undefined = () => npmFfmpeg()?.path,
): ToolCandidate[] {
  const override = parseToolOverride(env[FFMPEG_OVERRIDE_ENV])
  return toolCandidates({
    override,
    system: override ? undefined : findOnPath('ffmpeg', env),
    npm: override?.kind === 'path' ? undefined : npm(),
  })
}
