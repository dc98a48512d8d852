import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { UsageReport } from '../../../shared/usage'
import { TimeZoneSchema } from '../../../shared/settings/operations'
import { parseJsonOrUndefined } from '../atomic-write'
import {
  buildReport,
  closeLeftoverSessions,
  emptyUsageFile,
  USAGE_LEDGER_FILE,
  UsageFileSchema,
} from './usage-model'

/** Why the figures could not be read; the CLI prints the message and exits with 2. */
export class UsageReadError extends Error {}

export interface UsageOnDisk {
  report: UsageReport
  /** False: no ledger in the folder yet (a kiosk that never ran a session), so every figure is zero. */
  ledgerFound: boolean
  timeZone: string
}

/**
 * The figures in a data folder, read without changing anything (the kiosk may be running): sessions it lists as
 * open count up to the ledger's last write, which a running kiosk refreshes every minute.
 */
export async function readUsageFromDataDir(
  dataDir: string,
  options: { days: number; now: number },
): Promise<UsageOnDisk> {
  const timeZone = await kioskTimeZone(dataDir)
  const path = join(dataDir, USAGE_LEDGER_FILE)
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageReadError(`Cannot read ${path}: ${(error as Error).message}`)
  }
  if (text === undefined) {
    return {
      report: buildReport(emptyUsageFile(), { ...options, timeZone }),
      ledgerFound: false,
      timeZone,
    }
  }
  const parsed = UsageFileSchema.safeParse(parseJsonOrUndefined(text))
  if (!parsed.success) {
    throw new UsageReadError(
      `${path} is damaged; the kiosk keeps it aside and starts a new one at its next start.`,
    )
  }
  closeLeftoverSessions(parsed.data, timeZone)
  return { report: buildReport(parsed.data, { ...options, timeZone }), ledgerFound: true, timeZone }
}

/** The kiosk's `schedule.timeZone` from its settings file; this computer's when unset or unreadable. */
async function kioskTimeZone(dataDir: string): Promise<string> {
  try {
    const settings = parseJsonOrUndefined(await readFile(join(dataDir, 'settings.json'), 'utf8')) as
      { schedule?: { timeZone?: unknown } } | undefined
    const zone = TimeZoneSchema.safeParse(settings?.schedule?.timeZone)
    return zone.success ? zone.data : ''
  } catch {
    return ''
  }
}
