import { readdirSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/**
 * Copies of damaged or replaced files kept per file and reason. Enough to compare a few recent failures; more
 * would only pile up on a kiosk that fails the same way every day, and the web host's secrets file (and so its
 * copies) holds plaintext keys.
 */
export const BACKUPS_KEPT_PER_KIND = 3

/** The ISO time with `:` and `.` replaced, so names sort in time order as plain text. */
const STAMP_PATTERN = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z`

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `settings.json` kept for `corrupt` at 13:45 becomes `settings.corrupt-2026-11-30T13-45-00-123Z.json`. */
export function backupPath(path: string, reason: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  return join(dirname(path), `${basename(path, '.json')}.${reason}-${stamp}.json`)
}

/**
 * Removes all but the newest `keep` copies of `path` kept for `reason`, and returns what it removed. Best effort:
 * a copy that cannot be removed now is tried again at the next backup, and never stops the one being made.
 */
export function pruneBackups(path: string, reason: string, keep: number = BACKUPS_KEPT_PER_KIND): string[] {
  const folder = dirname(path)
  const ours = new RegExp(
    `^${escapeRegExp(basename(path, '.json'))}\\.${escapeRegExp(reason)}-${STAMP_PATTERN}\\.json$`,
  )
  let names: string[]
  try {
    names = readdirSync(folder).filter((name) => ours.test(name))
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names.sort().slice(0, Math.max(0, names.length - keep))) {
    const target = join(folder, name)
    try {
      rmSync(target, { force: true })
      removed.push(target)
    } catch {
      // Left for the next prune.
    }
  }
  return removed
}
