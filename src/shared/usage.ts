import { z } from 'zod'

/**
 * What the usage ledger reports: per-day counters and their totals. The same shape is printed by
 * `npm run -s usage` and shown in the admin panel. Transcripts are never part of it.
 */

export const UsageEventSchema = z.enum([
  /** Presence woke the kiosk from the attract screen. */
  'wake',
  /** A wake led to speech (a visitor, not a passer-by). */
  'visitor',
  /** A visitor's question was answered (one per question). */
  'conversation',
  /** The stream dropped and the kiosk reconnected. */
  'reconnect',
  /** Something failed; `errorKind` says what. */
  'error',
])
export type UsageEvent = z.infer<typeof UsageEventSchema>

/** A short machine name for an error, such as `session-start` or `microphone-denied`, never free text. */
export const ErrorKindSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Use 1-40 lowercase letters, digits or -')

export const UsageEventRequestSchema = z
  .strictObject({ event: UsageEventSchema, errorKind: ErrorKindSchema.optional() })
  .refine((request) => (request.event === 'error') === (request.errorKind !== undefined), {
    path: ['errorKind'],
    message: 'An error needs its kind, and only an error has one',
  })

export const DayUsageSchema = z.object({
  /** The kiosk's local calendar day, YYYY-MM-DD. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  sessions: z.number().int().nonnegative(),
  sessionMinutes: z.number().nonnegative(),
  visitors: z.number().int().nonnegative(),
  conversations: z.number().int().nonnegative(),
  reconnects: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** LLM answers started on a transcript taken during a pause, before the visitor's turn was confirmed over. */
  speculativeAnswers: z.number().int().nonnegative().default(0),
  /** Of those, the ones cancelled because the visitor went on speaking: LLM cost that bought nothing. */
  speculativeDiscarded: z.number().int().nonnegative().default(0),
  estimatedCredits: z.number().nonnegative(),
})
export type DayUsage = z.infer<typeof DayUsageSchema>

export const UsageTotalsSchema = DayUsageSchema.omit({ date: true })
export type UsageTotals = z.infer<typeof UsageTotalsSchema>

export const UsageReportSchema = z.object({
  days: z.array(DayUsageSchema),
  totals: UsageTotalsSchema,
  /** Errors by kind over the same days (the admin panel's detail; not in the CLI's day rows). */
  errorsByKind: z.record(z.string(), z.number().int().nonnegative()).default({}),
})
export type UsageReport = z.infer<typeof UsageReportSchema>

/** Whether the daily budget still allows a session, and why not. */
export const BudgetStatusSchema = z.object({
  /** 0 means no cap. */
  dailyMinutes: z.number().nonnegative(),
  usedMinutesToday: z.number().nonnegative(),
  reached: z.boolean(),
})
export type BudgetStatus = z.infer<typeof BudgetStatusSchema>
