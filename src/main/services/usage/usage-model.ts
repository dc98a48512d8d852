import { z } from 'zod'
import { LiveAvatarModeSchema, ProviderKindSchema } from '../../../shared/settings/schema'
import type { BudgetStatus, DayUsage, UsageEvent, UsageReport, UsageTotals } from '../../../shared/usage'
import { lastLocalDays, splitByLocalDay } from './local-day'

/**
 * What the usage ledger file holds, and the pure arithmetic on it: day counters, session records and the
 * report built from them. The file is small and bounded; transcripts and visitor words are never part of it.
 */

export const USAGE_LEDGER_FILE = 'usage-ledger.json'
export const USAGE_LEDGER_VERSION = 1
/** About 13 months of day counters: a year-on-year look, no more. */
export const DAYS_KEPT = 400
export const SESSIONS_KEPT = 5000

const MS_PER_MINUTE = 60_000
const Count = z.number().int().nonnegative()
const Amount = z.number().nonnegative()

const DayCountersSchema = z.object({
  sessions: Count,
  sessionMinutes: Amount,
  /** Presence woke the kiosk; a visitor is a wake that led to speech. */
  wakes: Count,
  visitors: Count,
  conversations: Count,
  reconnects: Count,
  errors: Count,
  errorsByKind: z.record(z.string(), Count),
  /**
   * Counted by main, not reported by the page: answers started during a pause before the visitor's turn was
   * over, and those of them thrown away. Files written before these counters existed read as 0.
   */
  speculativeAnswers: Count.default(0),
  speculativeDiscarded: Count.default(0),
  estimatedCredits: Amount,
})
export type DayCounters = z.infer<typeof DayCountersSchema>

/** What is known of a session when it starts; `ratePerMinute` is fixed then, so later rate edits do not rewrite it. */
const SessionStartSchema = z.object({
  id: z.string().min(1).max(100),
  kind: ProviderKindSchema,
  /** LiveAvatar's FULL or LITE; the legacy API has one price. */
  mode: LiveAvatarModeSchema.optional(),
  /** Against the built-in sandbox: counted, so the figures work on a fresh machine, but marked. */
  sandbox: z.boolean(),
  startedAt: z.number().int().nonnegative(),
  ratePerMinute: Amount,
})
export type OpenSession = z.infer<typeof SessionStartSchema>

/** How a session's count ended: the page stopped it, main stopped it, or the kiosk died with it open. */
export const SessionEndSchema = z.enum(['stopped', 'abandoned', 'main', 'lost'])
export type SessionEnd = z.infer<typeof SessionEndSchema>

const SessionRecordSchema = SessionStartSchema.extend({
  endedAt: z.number().int().nonnegative(),
  endedBy: SessionEndSchema,
  minutes: Amount,
  estimatedCredits: Amount,
})
export type SessionRecord = z.infer<typeof SessionRecordSchema>

export const UsageFileSchema = z.object({
  version: z.literal(USAGE_LEDGER_VERSION),
  /** When the file was last written: a session left open by a crash is counted up to here. */
  savedAt: z.number().int().nonnegative(),
  days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), DayCountersSchema),
  sessions: z.array(SessionRecordSchema),
  open: z.array(SessionStartSchema),
})
export type UsageFile = z.infer<typeof UsageFileSchema>

export interface CreditRates {
  liveavatarFull: number
  liveavatarLite: number
  heygen: number
}

export function emptyUsageFile(): UsageFile {
  return { version: USAGE_LEDGER_VERSION, savedAt: 0, days: {}, sessions: [], open: [] }
}

export function emptyDay(): DayCounters {
  return {
    sessions: 0,
    sessionMinutes: 0,
    wakes: 0,
    visitors: 0,
    conversations: 0,
    reconnects: 0,
    errors: 0,
    errorsByKind: {},
    speculativeAnswers: 0,
    speculativeDiscarded: 0,
    estimatedCredits: 0,
  }
}

export function ratePerMinute(rates: CreditRates, session: Pick<OpenSession, 'kind' | 'mode'>): number {
  if (session.kind === 'heygen') return rates.heygen
  return session.mode === 'lite' ? rates.liveavatarLite : rates.liveavatarFull
}

function dayOf(file: UsageFile, date: string): DayCounters {
  let day = file.days[date]
  if (!day) {
    day = emptyDay()
    file.days[date] = day
  }
  return day
}

const EVENT_COUNTERS: Record<
  Exclude<UsageEvent, 'error'>,
  'wakes' | 'visitors' | 'conversations' | 'reconnects'
> = {
  wake: 'wakes',
  visitor: 'visitors',
  conversation: 'conversations',
  reconnect: 'reconnects',
}

export function countEvent(file: UsageFile, date: string, event: UsageEvent, errorKind?: string): void {
  const day = dayOf(file, date)
  if (event !== 'error') {
    day[EVENT_COUNTERS[event]] += 1
    return
  }
  day.errors += 1
  const kind = errorKind ?? 'unknown'
  day.errorsByKind[kind] = (day.errorsByKind[kind] ?? 0) + 1
}

/** What main counts of the answers itself (the page cannot report them: it never knows an answer's cost). */
export type AnswerCount = 'speculative-answer' | 'speculative-discarded'

const ANSWER_COUNTERS: Record<AnswerCount, 'speculativeAnswers' | 'speculativeDiscarded'> = {
  'speculative-answer': 'speculativeAnswers',
  'speculative-discarded': 'speculativeDiscarded',
}

export function countAnswer(file: UsageFile, date: string, kind: AnswerCount): void {
  dayOf(file, date)[ANSWER_COUNTERS[kind]] += 1
}

/** A session counts on the day it starts; its minutes go to the days they were spent in. */
export function countSessionStart(file: UsageFile, date: string): void {
  dayOf(file, date).sessions += 1
}

/** Each local day's share of a session's minutes and credits, from its start until `until`. */
export function minutesByDay(
  session: OpenSession,
  until: number,
  timeZone: string,
): { day: string; minutes: number; credits: number }[] {
  return splitByLocalDay(session.startedAt, Math.max(until, session.startedAt), timeZone).map(
    ({ day, ms }) => {
      const minutes = ms / MS_PER_MINUTE
      return { day, minutes, credits: minutes * session.ratePerMinute }
    },
  )
}

/** Ends a session's count: adds its minutes and credits to their days and keeps its record. */
export function countSessionEnd(
  file: UsageFile,
  session: OpenSession,
  endedAt: number,
  endedBy: SessionEnd,
  timeZone: string,
): SessionRecord {
  let minutes = 0
  let credits = 0
  for (const share of minutesByDay(session, endedAt, timeZone)) {
    const day = dayOf(file, share.day)
    day.sessionMinutes += share.minutes
    day.estimatedCredits += share.credits
    minutes += share.minutes
    credits += share.credits
  }
  const record: SessionRecord = {
    ...session,
    endedAt: Math.max(endedAt, session.startedAt),
    endedBy,
    minutes,
    estimatedCredits: credits,
  }
  file.sessions.push(record)
  return record
}

/** Keeps the newest `DAYS_KEPT` days and `SESSIONS_KEPT` records. */
export function trimUsageFile(file: UsageFile): void {
  const dates = Object.keys(file.days).sort()
  for (const date of dates.slice(0, Math.max(0, dates.length - DAYS_KEPT))) delete file.days[date]
  if (file.sessions.length > SESSIONS_KEPT) file.sessions.splice(0, file.sessions.length - SESSIONS_KEPT)
}

const round2 = (value: number) => Math.round(value * 100) / 100

/**
 * The last `days` local days ending today, oldest first, every day listed (zeros included, so a chart or a
 * spreadsheet has no gaps). Sessions still open count their minutes so far. Minutes and credits are rounded
 * to 2 decimals; the totals add the rounded days, so a spreadsheet's sum matches them.
 */
export function buildReport(
  file: UsageFile,
  options: { days: number; now: number; timeZone: string },
): UsageReport {
  const dates = lastLocalDays(options.now, options.days, options.timeZone)
  const wanted = new Set(dates)
  const running = new Map<string, { minutes: number; credits: number }>()
  for (const session of file.open) {
    for (const share of minutesByDay(session, options.now, options.timeZone)) {
      if (!wanted.has(share.day)) continue
      const sum = running.get(share.day) ?? { minutes: 0, credits: 0 }
      sum.minutes += share.minutes
      sum.credits += share.credits
      running.set(share.day, sum)
    }
  }
  const errorsByKind: Record<string, number> = {}
  const days: DayUsage[] = dates.map((date) => {
    const day = file.days[date] ?? emptyDay()
    for (const [kind, count] of Object.entries(day.errorsByKind))
      errorsByKind[kind] = (errorsByKind[kind] ?? 0) + count
    const open = running.get(date) ?? { minutes: 0, credits: 0 }
    return {
      date,
      sessions: day.sessions,
      sessionMinutes: round2(day.sessionMinutes + open.minutes),
      visitors: day.visitors,
      conversations: day.conversations,
      reconnects: day.reconnects,
      errors: day.errors,
      speculativeAnswers: day.speculativeAnswers,
      speculativeDiscarded: day.speculativeDiscarded,
      estimatedCredits: round2(day.estimatedCredits + open.credits),
    }
  })
  return { days, totals: totalsOf(days), errorsByKind }
}

export function totalsOf(days: readonly DayUsage[]): UsageTotals {
  const totals: UsageTotals = {
    sessions: 0,
    sessionMinutes: 0,
    visitors: 0,
    conversations: 0,
    reconnects: 0,
    errors: 0,
    speculativeAnswers: 0,
    speculativeDiscarded: 0,
    estimatedCredits: 0,
  }
  for (const day of days) {
    totals.sessions += day.sessions
    totals.sessionMinutes += day.sessionMinutes
    totals.visitors += day.visitors
    totals.conversations += day.conversations
    totals.reconnects += day.reconnects
    totals.errors += day.errors
    totals.speculativeAnswers += day.speculativeAnswers
    totals.speculativeDiscarded += day.speculativeDiscarded
    totals.estimatedCredits += day.estimatedCredits
  }
  totals.sessionMinutes = round2(totals.sessionMinutes)
  totals.estimatedCredits = round2(totals.estimatedCredits)
  return totals
}

/** Today's minutes (open sessions included) against the cap; 0 means no cap and never reached. */
export function budgetStatus(
  file: UsageFile,
  options: { dailyMinutes: number; now: number; timeZone: string },
): BudgetStatus {
  const today = buildReport(file, { days: 1, now: options.now, timeZone: options.timeZone }).days[0]
  const usedMinutesToday = today?.sessionMinutes ?? 0
  return {
    dailyMinutes: options.dailyMinutes,
    usedMinutesToday,
    reached: options.dailyMinutes > 0 && usedMinutesToday >= options.dailyMinutes,
  }
}

/**
 * Sessions the file lists as open were left by a run that died (or is still running, when the CLI reads it):
 * they are counted up to the file's last write, the last moment anyone knew them open.
 */
export function closeLeftoverSessions(file: UsageFile, timeZone: string): number {
  const leftovers = file.open.splice(0)
  for (const session of leftovers) countSessionEnd(file, session, file.savedAt, 'lost', timeZone)
  return leftovers.length
}
