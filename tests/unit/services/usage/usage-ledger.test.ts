import { existsSync, readFileSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DAYS_KEPT,
  emptyDay,
  SESSIONS_KEPT,
  type UsageFile,
} from '../../../../src/main/services/usage/usage-model'
import { useTempDirs } from '../../support/temp-dir'
import { ledgerAt, MINUTE } from './support'

const tempDir = useTempDirs()
const ledgerPath = async () => join(await tempDir('kiosk-usage-'), 'usage-ledger.json')
const readLedger = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as UsageFile

describe('UsageLedger counting', () => {
  it('counts a session, its minutes and credits, and the visitor events of its day', async () => {
    const { ledger, advance } = ledgerAt(await ledgerPath(), '2026-11-30T10:00:00Z')
    ledger.sessionStarted('lease-1', { kind: 'liveavatar', mode: 'full', sandbox: false })
    ledger.record('wake')
    ledger.record('visitor')
    ledger.record('conversation')
    ledger.record('conversation')
    ledger.record('reconnect')
    ledger.record('error', 'session-start')
    ledger.record('error', 'microphone-denied')
    ledger.record('error', 'session-start')
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-discarded')
    advance(12.5)
    await ledger.sessionEnded('lease-1', 'stopped')

    const report = ledger.report(2)
    expect(report.days.map((day) => day.date)).toEqual(['2026-11-29', '2026-11-30'])
    expect(report.days[1]).toEqual({
      date: '2026-11-30',
      sessions: 1,
      sessionMinutes: 12.5,
      visitors: 1,
      conversations: 2,
      reconnects: 1,
      errors: 3,
      speculativeAnswers: 3,
      speculativeDiscarded: 1,
      estimatedCredits: 25,
    })
    expect(report.days[0]).toMatchObject({ sessions: 0, speculativeAnswers: 0, speculativeDiscarded: 0 })
    expect(report.totals).toMatchObject({
      sessions: 1,
      sessionMinutes: 12.5,
      estimatedCredits: 25,
      errors: 3,
      speculativeAnswers: 3,
      speculativeDiscarded: 1,
    })
    expect(report.errorsByKind).toEqual({ 'session-start': 2, 'microphone-denied': 1 })
    await ledger.close()
  })

  it('prices each session by kind and mode, at the rates set when it started', async () => {
    const path = await ledgerPath()
    const { ledger, advance, rates } = ledgerAt(path, '2026-11-30T10:00:00Z')
    ledger.sessionStarted('full', { kind: 'liveavatar', mode: 'full', sandbox: false })
    ledger.sessionStarted('lite', { kind: 'liveavatar', mode: 'lite', sandbox: false })
    ledger.sessionStarted('legacy', { kind: 'heygen', sandbox: true })
    rates.current = { liveavatarFull: 3, liveavatarLite: 1.5, heygen: 0.5 }
    ledger.sessionStarted('dearer', { kind: 'liveavatar', mode: 'full', sandbox: false })
    advance(10)
    for (const id of ['full', 'lite', 'legacy', 'dearer']) await ledger.sessionEnded(id, 'stopped')

    const records = (await readLedger(path)).sessions
    const credits = Object.fromEntries(records.map((record) => [record.id, record.estimatedCredits]))
    expect(credits).toEqual({ full: 20, lite: 10, legacy: 2, dearer: 30 })
    expect(records.find((record) => record.id === 'legacy')).toMatchObject({ sandbox: true, kind: 'heygen' })
    expect(records.find((record) => record.id === 'legacy')).not.toHaveProperty('mode')
    expect(records.find((record) => record.id === 'lite')).toMatchObject({ mode: 'lite', minutes: 10 })
    expect(ledger.report(1).totals).toMatchObject({ sessions: 4, sessionMinutes: 40, estimatedCredits: 62 })
    await ledger.close()
  })

  it('gives the minutes of a session over midnight to the days they were spent in, in the kiosk zone', async () => {
    // 23:30 to 00:45 in New York (UTC-5 in November).
    const { ledger, advance } = ledgerAt(await ledgerPath(), '2026-11-30T04:30:00Z', {
      zone: 'America/New_York',
    })
    ledger.sessionStarted('night', { kind: 'liveavatar', mode: 'lite', sandbox: false })
    advance(75)
    await ledger.sessionEnded('night', 'main')
    const days = ledger.report(2).days
    expect(days).toMatchObject([
      { date: '2026-11-29', sessions: 1, sessionMinutes: 30, estimatedCredits: 30 },
      { date: '2026-11-30', sessions: 0, sessionMinutes: 45, estimatedCredits: 45 },
    ])
    await ledger.close()
  })

  it('counts an open session’s minutes so far in today’s figures and the budget', async () => {
    const { ledger, advance } = ledgerAt(await ledgerPath(), '2026-11-30T10:00:00Z')
    ledger.sessionStarted('open', { kind: 'liveavatar', mode: 'full', sandbox: false })
    advance(20)
    expect(ledger.report(1).days[0]).toMatchObject({ sessions: 1, sessionMinutes: 20, estimatedCredits: 40 })
    expect(ledger.budget(30)).toEqual({ dailyMinutes: 30, usedMinutesToday: 20, reached: false })
    advance(10)
    expect(ledger.budget(30)).toEqual({ dailyMinutes: 30, usedMinutesToday: 30, reached: true })
    expect(ledger.budget(0)).toMatchObject({ reached: false })
    await ledger.sessionEnded('open', 'stopped')
    // The next day starts from zero.
    advance(24 * 60)
    expect(ledger.budget(30)).toMatchObject({ usedMinutesToday: 0, reached: false })
    await ledger.close()
  })

  it('ignores an end it never saw start, and a second start of the same session', async () => {
    const { ledger, advance } = ledgerAt(await ledgerPath(), '2026-11-30T10:00:00Z')
    await ledger.sessionEnded('never-started', 'stopped')
    ledger.sessionStarted('once', { kind: 'heygen', sandbox: false })
    ledger.sessionStarted('once', { kind: 'heygen', sandbox: false })
    advance(5)
    await ledger.sessionEnded('once', 'stopped')
    await ledger.sessionEnded('once', 'stopped')
    expect(ledger.report(1).totals).toMatchObject({ sessions: 1, sessionMinutes: 5 })
    await ledger.close()
  })
})

describe('UsageLedger on disk', () => {
  it('coalesces event writes but writes a session start and end at once', async () => {
    const path = await ledgerPath()
    const { ledger, advance } = ledgerAt(path, '2026-11-30T10:00:00Z', { coalesceMs: 60_000 })
    ledger.record('visitor')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(existsSync(path)).toBe(false)
    ledger.sessionStarted('s', { kind: 'liveavatar', mode: 'full', sandbox: false })
    await ledger.flush()
    expect((await readLedger(path)).open.map((session) => session.id)).toEqual(['s'])
    ledger.record('conversation')
    advance(3)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await readLedger(path)).days['2026-11-30']?.conversations).toBe(0)
    await ledger.sessionEnded('s', 'stopped')
    const file = await readLedger(path)
    expect(file.open).toEqual([])
    expect(file.sessions).toHaveLength(1)
    expect(file.days['2026-11-30']).toMatchObject({
      visitors: 1,
      conversations: 1,
      sessions: 1,
      sessionMinutes: 3,
    })
    ledger.record('reconnect')
    await ledger.flush()
    expect((await readLedger(path)).days['2026-11-30']?.reconnects).toBe(1)
    await ledger.close()
  })

  it('reads a ledger written before the speculative counters as 0, and adds to them from there', async () => {
    const path = await ledgerPath()
    // A day as the ledger wrote it before speculative answers existed: no such keys at all.
    const oldDay = {
      sessions: 2,
      sessionMinutes: 7,
      wakes: 3,
      visitors: 2,
      conversations: 4,
      reconnects: 0,
      errors: 1,
      errorsByKind: { 'session-start': 1 },
      estimatedCredits: 14,
    }
    const oldFile = {
      version: 1,
      savedAt: Date.parse('2026-11-29T18:00:00Z'),
      days: { '2026-11-29': oldDay, '2026-11-30': { ...oldDay, sessions: 1 } },
      sessions: [],
      open: [],
    }
    await writeFile(path, JSON.stringify(oldFile))
    const { ledger, log } = ledgerAt(path, '2026-11-30T10:00:00Z')
    expect(await ledger.load()).toBeUndefined()
    expect(log.entries.filter((entry) => entry.level === 'error')).toEqual([])
    expect(ledger.report(2).days).toMatchObject([
      { date: '2026-11-29', sessions: 2, conversations: 4, speculativeAnswers: 0, speculativeDiscarded: 0 },
      { date: '2026-11-30', sessions: 1, speculativeAnswers: 0, speculativeDiscarded: 0 },
    ])
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-answer')
    ledger.countAnswer('speculative-discarded')
    await ledger.flush()
    const file = await readLedger(path)
    expect(file.days['2026-11-29']).toEqual({ ...oldDay, speculativeAnswers: 0, speculativeDiscarded: 0 })
    expect(file.days['2026-11-30']).toMatchObject({
      sessions: 1,
      speculativeAnswers: 2,
      speculativeDiscarded: 1,
    })
    expect(ledger.report(2).totals).toMatchObject({
      sessions: 3,
      speculativeAnswers: 2,
      speculativeDiscarded: 1,
    })
    await ledger.close()
  })

  it('writes the pending events within the coalescing delay', async () => {
    const path = await ledgerPath()
    const { ledger } = ledgerAt(path, '2026-11-30T10:00:00Z', { coalesceMs: 30 })
    ledger.record('wake')
    await expect.poll(() => existsSync(path), { timeout: 2_000 }).toBe(true)
    expect((await readLedger(path)).days['2026-11-30']?.wakes).toBe(1)
    await ledger.close()
  })

  it('keeps its figures across a restart, and counts a session a dead run left open up to its last write', async () => {
    const path = await ledgerPath()
    const first = ledgerAt(path, '2026-11-30T10:00:00Z', { checkpointMs: 20 })
    first.ledger.sessionStarted('done', { kind: 'liveavatar', mode: 'full', sandbox: false })
    first.advance(4)
    await first.ledger.sessionEnded('done', 'stopped')
    first.ledger.sessionStarted('crashed', { kind: 'liveavatar', mode: 'full', sandbox: false })
    first.advance(6)
    // The periodic checkpoint while a session is open: the last write before the power cut.
    await expect.poll(async () => (await readLedger(path)).savedAt, { timeout: 2_000 }).toBe(first.clock.now)
    await first.ledger.close() // stops the checkpoint; the file stays as the crash left it
    first.advance(30) // never written: lost with the process

    const second = ledgerAt(path, '2026-11-30T12:00:00Z')
    expect(await second.ledger.load()).toBeUndefined()
    expect(second.ledger.report(1).totals).toMatchObject({ sessions: 2, sessionMinutes: 10 })
    const file = await readLedger(path)
    expect(file.open).toEqual([])
    expect(file.sessions.find((record) => record.id === 'crashed')).toMatchObject({
      endedBy: 'lost',
      minutes: 6,
    })
    await second.ledger.close()
  })

  it('keeps a damaged ledger aside and starts over, never failing', async () => {
    const path = await ledgerPath()
    const damaged = '{"version":1,"days":{"2026-11-30": <<<garbage'
    await writeFile(path, damaged)
    const { ledger, log } = ledgerAt(path, '2026-11-30T10:00:00Z')
    const notice = await ledger.load()
    expect(notice).toMatchObject({ level: 'warning' })
    expect(notice?.message).toContain('restarted')

    const folder = join(path, '..')
    const copies = (await readdir(folder)).filter((name) => name.startsWith('usage-ledger.corrupt-'))
    expect(copies).toHaveLength(1)
    expect(await readFile(join(folder, copies[0] ?? ''), 'utf8')).toBe(damaged)
    expect(await readLedger(path)).toMatchObject({ version: 1, days: {}, sessions: [], open: [] })
    expect(log.entries.some((entry) => entry.level === 'error' && entry.message.includes('damaged'))).toBe(
      true,
    )
    expect(ledger.report(1).totals.sessions).toBe(0)
    await ledger.close()
  })

  it('keeps only the newest few damaged copies', async () => {
    const path = await ledgerPath()
    for (let round = 0; round < 5; round += 1) {
      await writeFile(path, `not json ${round}`)
      const { ledger } = ledgerAt(path, '2026-11-30T10:00:00Z')
      await ledger.load()
      await ledger.close()
      await new Promise((resolve) => setTimeout(resolve, 5)) // distinct millisecond stamps
    }
    const copies = (await readdir(join(path, '..'))).filter((name) =>
      name.startsWith('usage-ledger.corrupt-'),
    )
    expect(copies).toHaveLength(3)
  })

  it('replaces the file atomically: no temporary file is left, and the file is only ever whole JSON', async () => {
    const path = await ledgerPath()
    const { ledger, advance } = ledgerAt(path, '2026-11-30T10:00:00Z')
    for (let index = 0; index < 20; index += 1) {
      ledger.sessionStarted(`s${index}`, { kind: 'heygen', sandbox: false })
      advance(1)
      const write = ledger.sessionEnded(`s${index}`, 'stopped')
      // Read while the write is under way: always a complete file, the old one or the new one.
      if (existsSync(path)) expect(() => JSON.parse(readFileSync(path, 'utf8')) as unknown).not.toThrow()
      await write
    }
    const names = await readdir(join(path, '..'))
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([])
    expect((await readLedger(path)).sessions).toHaveLength(20)
    await ledger.close()
  })

  it('stays bounded: about 400 days of counters and the newest 5000 session records', async () => {
    const path = await ledgerPath()
    // A ledger already over both bounds, as years of use would leave it without them; today makes one more day.
    const days: UsageFile['days'] = {}
    const first = Date.parse('2025-01-01T12:00:00Z')
    for (let index = 0; index < DAYS_KEPT + 20; index += 1) {
      const date = new Date(first + index * 24 * 60 * MINUTE).toISOString().slice(0, 10)
      days[date] = { ...emptyDay(), visitors: 1 }
    }
    const record = (index: number) => ({
      id: `s${index}`,
      kind: 'heygen' as const,
      sandbox: false,
      startedAt: first,
      ratePerMinute: 0.2,
      endedAt: first + MINUTE,
      endedBy: 'stopped' as const,
      minutes: 1,
      estimatedCredits: 0.2,
    })
    const sessions = Array.from({ length: SESSIONS_KEPT + 30 }, (_, index) => record(index))
    await writeFile(path, JSON.stringify({ version: 1, savedAt: first, days, sessions, open: [] }))

    const { ledger, advance } = ledgerAt(path, '2026-11-30T10:00:00Z')
    expect(await ledger.load()).toBeUndefined()
    ledger.sessionStarted('newest', { kind: 'heygen', sandbox: false })
    advance(1)
    await ledger.sessionEnded('newest', 'stopped')
    await ledger.close()

    const file = await readLedger(path)
    const dates = Object.keys(file.days).sort()
    expect(dates).toHaveLength(DAYS_KEPT)
    expect(dates.at(-1)).toBe('2026-11-30')
    expect(dates[0]).toBe(new Date(first + 21 * 24 * 60 * MINUTE).toISOString().slice(0, 10))
    expect(file.sessions).toHaveLength(SESSIONS_KEPT)
    expect(file.sessions[0]?.id).toBe('s31')
    expect(file.sessions.at(-1)?.id).toBe('newest')
  })

  it('leaves no file behind when nothing was counted', async () => {
    const path = await ledgerPath()
    const { ledger } = ledgerAt(path, '2026-11-30T10:00:00Z')
    await ledger.load()
    await ledger.close()
    expect(existsSync(path)).toBe(false)
  })
})
