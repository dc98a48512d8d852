import { z } from 'zod'

/**
 * Kiosk operations: when the kiosk holds a provider session open (attract mode, opening hours, a daily budget),
 * what it tells visitors (the AI notice) and what a minute costs (the usage ledger's estimate).
 */

export const AttractScreenSchema = z.object({
  /** `text`: the message over the configured background; `image`/`video`: a file from the backgrounds folder. */
  kind: z.enum(['text', 'image', 'video']).default('text'),
  /** A file name in the backgrounds folder, for `image` and `video` (a video plays muted, in a loop). */
  media: z.string().trim().max(200).default(''),
  text: z.string().trim().max(200).default('Tap or say hello'),
})

export const AttractSettingsSchema = z.object({
  /** Off: the session stays open all day, as before. On: the kiosk sleeps on the attract screen when nobody is there. */
  enabled: z.boolean().default(false),
  /** No visitor spoke, touched or (camera on) was seen for this long: say goodbye, end the session, sleep. */
  idleSeconds: z.number().int().min(5).max(3600).default(45),
  /** Spoken before the session ends; empty for none. */
  goodbye: z.string().trim().max(500).default('Thank you for stopping by. Goodbye!'),
  wake: z
    .object({
      touch: z.boolean().default(true),
      /** Our on-device voice-activity detector; nothing leaves the machine and no session is open. */
      voice: z.boolean().default(true),
      /** An on-device face detector on the camera, a few frames a second; frames are never stored or sent. */
      camera: z.boolean().default(false),
    })
    .prefault({}),
  screen: AttractScreenSchema.prefault({}),
})
export type AttractSettings = z.output<typeof AttractSettingsSchema>

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const WeekdaySchema = z.enum(WEEKDAYS)
export type Weekday = z.infer<typeof WeekdaySchema>

const ClockTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use a time such as 08:30')

/** Open on these days from `open` until `close` (local time of the schedule's zone); `close` may be 24:00. */
export const OpeningHoursSchema = z
  .object({
    days: z.array(WeekdaySchema).min(1, 'Choose at least one day').max(7),
    open: ClockTimeSchema,
    close: ClockTimeSchema,
  })
  .refine((hours) => hours.open < hours.close, {
    path: ['close'],
    message: 'Must be later than the opening time',
  })
export type OpeningHours = z.output<typeof OpeningHoursSchema>

/** An IANA time zone that this runtime's `Intl` knows, such as Europe/Berlin. */
export const TimeZoneSchema = z.string().refine(
  (zone) => {
    if (zone === '') return true
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone })
      return true
    } catch {
      return false
    }
  },
  { message: 'Use a time zone such as Europe/Berlin, or leave it empty for this computer’s' },
)

export const ScheduleSettingsSchema = z.object({
  /** Empty: this computer's time zone. */
  timeZone: TimeZoneSchema.default(''),
  /** Empty: always open. Otherwise the kiosk is open only within one of these spans. */
  openingHours: z.array(OpeningHoursSchema).max(21).default([]),
  /** Shown on the closed screen. */
  closedText: z.string().trim().max(200).default('We are closed right now. See you soon!'),
})
export type ScheduleSettings = z.output<typeof ScheduleSettingsSchema>

export const BudgetSettingsSchema = z.object({
  /** Provider session minutes a day; 0 means no cap. Once reached, the kiosk stays asleep until the next day. */
  dailyMinutes: z.number().int().min(0).max(1440).default(0),
})

export const NoticeSettingsSchema = z.object({
  /** Shown on the attract screen and, discreetly, while live (EU AI Act Article 50); empty hides it. */
  aiDisclosure: z.string().trim().max(300).default('You are talking to an AI avatar.'),
  /** The short line on what the microphone and camera are used for, generated to match the current setup. */
  privacyLine: z.boolean().default(true),
})

const CreditRateSchema = z.number().min(0).max(1000)

/** Credits per session minute, for the usage ledger's estimate; the defaults are the providers' list prices. */
export const UsageSettingsSchema = z.object({
  rates: z
    .object({
      liveavatarFull: CreditRateSchema.default(2),
      liveavatarLite: CreditRateSchema.default(1),
      heygen: CreditRateSchema.default(0.2),
    })
    .prefault({}),
})
