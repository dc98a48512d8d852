import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { localDay } from '../../../../src/main/services/usage/local-day'
import { useTempDirs } from '../../support/temp-dir'
import { ledgerAt } from './support'

const run = promisify(execFile)
const tempDir = useTempDirs()

/**
 * `tsx scripts/usage.ts …`, what `npm run -s usage` runs, as a real process (node with tsx's loader: the same
 * thing without npx's start-up); a failed run resolves with its code.
 */
async function usageCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/usage.ts', ...args], {
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const DAY = 24 * 60

describe('npm run -s usage', () => {
  it('prints the days and totals of a data folder as JSON, or as CSV', async () => {
    const dir = await tempDir('kiosk-usage-cli-')
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ schedule: { timeZone: 'UTC' } }))
    // Yesterday one LITE session of 10 min and a visitor; today a FULL one of 2.5 min and an error.
    const yesterday = new Date(Date.now() - DAY * 60_000)
    yesterday.setUTCHours(10, 0, 0, 0)
    const { ledger, advance } = ledgerAt(join(dir, 'usage-ledger.json'), yesterday.toISOString())
    ledger.sessionStarted('a', { kind: 'liveavatar', mode: 'lite', sandbox: true })
    ledger.record('visitor')
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-discarded')
    advance(10)
    await ledger.sessionEnded('a', 'stopped')
    advance(DAY - 10)
    ledger.sessionStarted('b', { kind: 'liveavatar', mode: 'full', sandbox: false })
    ledger.record('error', 'session-start')
    ledger.countAnswer('speculative-answer')
    advance(2.5)
    await ledger.sessionEnded('b', 'stopped')
    await ledger.close()
    const today = localDay(Date.now(), 'UTC')
    const before = localDay(Date.now() - DAY * 60_000, 'UTC')

    const json = await usageCli('--data-dir', dir, '--days', '3')
    expect(json.code).toBe(0)
    const printed = JSON.parse(json.stdout) as { days: { date: string }[]; totals: unknown }
    expect(Object.keys(printed)).toEqual(['days', 'totals'])
    expect(printed.days.map((day) => day.date).slice(1)).toEqual([before, today])
    expect(printed.days[1]).toEqual({
      date: before,
      sessions: 1,
      sessionMinutes: 10,
      visitors: 1,
      conversations: 0,
      reconnects: 0,
      errors: 0,
      speculativeAnswers: 2,
      speculativeDiscarded: 1,
      estimatedCredits: 10,
    })
    expect(printed.days[2]).toMatchObject({
      sessions: 1,
      sessionMinutes: 2.5,
      errors: 1,
      estimatedCredits: 5,
    })
    expect(printed.totals).toEqual({
      sessions: 2,
      sessionMinutes: 12.5,
      visitors: 1,
      conversations: 0,
      reconnects: 0,
      errors: 1,
      speculativeAnswers: 3,
      speculativeDiscarded: 1,
      estimatedCredits: 15,
    })

    const csv = await usageCli('--data-dir', dir, '--days', '2', '--csv')
    expect(csv.code).toBe(0)
    expect(csv.stdout.split('\r\n')).toEqual([
      // The speculative columns come last, so an older spreadsheet's columns keep their places.
      'date,sessions,sessionMinutes,visitors,conversations,reconnects,errors,estimatedCredits,speculativeAnswers,speculativeDiscarded',
      `${before},1,10,1,0,0,0,10,2,1`,
      `${today},1,2.5,0,0,0,1,5,1,0`,
      'total,2,12.5,1,0,0,1,15,3,1',
      '',
    ])
  }, 120_000)

  it('prints zeros for a folder with no ledger yet, and says so on stderr', async () => {
    const dir = await tempDir('kiosk-usage-cli-')
    const result = await usageCli('--data-dir', dir, '--days', '1')
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      days: [{ sessions: 0 }],
      totals: { sessionMinutes: 0 },
    })
    expect(result.stderr).toContain('No usage ledger')
  }, 60_000)

  it('exits with 2 and a clear message for a damaged ledger, a missing folder or bad options', async () => {
    const dir = await tempDir('kiosk-usage-cli-')
    await writeFile(join(dir, 'usage-ledger.json'), '{"version":1,')
    const damaged = await usageCli('--data-dir', dir)
    expect(damaged).toMatchObject({ code: 2, stdout: '' })
    expect(damaged.stderr).toContain('is damaged')

    const missing = await usageCli('--data-dir', join(dir, 'nowhere'))
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toContain('No data folder')

    const badDays = await usageCli('--data-dir', dir, '--days', '0')
    expect(badDays).toMatchObject({ code: 2, stdout: '' })
    expect(badDays.stderr).toContain('--days must be a whole number 1-366')
  }, 120_000)
})
