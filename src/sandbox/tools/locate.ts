import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { z } from 'zod'

/**
 * Where a media tool comes from: an explicit override (AVATAR_KIOSK_FFMPEG / AVATAR_KIOSK_ESPEAK), the
 * operating system's binary on PATH, or the copy shipped inside an npm package.
 */
export type ToolSource = 'override' | 'system' | 'npm'

export interface ToolCandidate {
  source: ToolSource
  /** An executable for 'override' and 'system'; for 'npm' whatever the tool's npm loader needs. */
  path: string
}

/** `npm` forces the packaged copy; anything else non-empty is the path of a binary to use. */
export type ToolOverride = { kind: 'npm' } | { kind: 'path'; path: string }

const overrideSchema = z
  .string()
  .trim()
  .transform((value): ToolOverride | undefined => {
    if (value === '') return undefined
    return value.toLowerCase() === 'npm' ? { kind: 'npm' } : { kind: 'path', path: value }
  })

export function parseToolOverride(value: string | undefined): ToolOverride | undefined {
  return value === undefined ? undefined : overrideSchema.parse(value)
}

/**
 * Files inside an Electron app's `app.asar` cannot be executed or handed to a worker: electron-builder's
 * asarUnpack puts them next to it in `app.asar.unpacked`, under the same relative path. Plain string
 * handling, so src/sandbox never imports electron; paths already pointing there are left alone.
 */
export function asarUnpacked(path: string): string {
  return path.replace(/\.asar(?=[\\/])/g, '.asar.unpacked')
}

export type IsExecutable = (path: string) => boolean

export const isExecutableFile: IsExecutable = (path) => {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** What `which` does: the first executable `name` in the PATH directories (with PATHEXT on Windows). */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  isExecutable: IsExecutable = isExecutableFile,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const directories = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter)
  const extensions =
    platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : ['']
  for (const directory of directories) {
    if (directory === '') continue
    for (const extension of extensions) {
      const candidate = join(directory, `${name}${extension}`)
      if (isExecutable(candidate)) return candidate
    }
  }
  return undefined
}

/**
 * The order in which the sandbox tries a tool. An override is the only candidate, so a forced choice never
 * silently falls back to something else; otherwise the system binary (when installed, usually faster to
 * start) comes before the npm copy, which is always there after `npm install`.
 */
export function toolCandidates(input: {
  override: ToolOverride | undefined
  system: string | undefined
  npm: string | undefined
}): ToolCandidate[] {
  const npm: ToolCandidate[] = input.npm === undefined ? [] : [{ source: 'npm', path: input.npm }]
  if (input.override?.kind === 'npm') return npm
  if (input.override?.kind === 'path') return [{ source: 'override', path: input.override.path }]
  return [...(input.system === undefined ? [] : [{ source: 'system' as const, path: input.system }]), ...npm]
}
