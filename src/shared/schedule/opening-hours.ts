import type { OpeningHours, ScheduleSettings, Weekday } from '../settings/operations'

/**
 * Opening hours in the schedule's time zone, computed with `Intl` alone so that main, the renderer and the
 * usage ledger agree on what "now" and "today" mean there, including across daylight-saving changes.
 */

/** How far ahead {@link nextScheduleChange} looks; a week plus a day covers every weekly schedule. */
export const SCHEDULE_LOOKAHEAD_MS = 8 * 24 * 60 * 60 * 1000

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
const MINUTES_PER_DAY = 24 * 60

const WEEKDAY_BY_SHORT_NAME: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
}

/** The wall clock in a zone at one instant. */
interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: Weekday
}

// Building a DateTimeFormat is far slower than using one, and the search below formats a few hundred instants.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      // '' means this computer's zone, which Intl picks when none is given.
      timeZone: timeZone === '' ? undefined : timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

function wallClock(at: Date, timeZone: string): WallClock {
  const fields = new Map<string, string>()
  for (const part of formatterFor(timeZone).formatToParts(at)) fields.set(part.type, part.value)
  const number = (type: string): number => Number(fields.get(type))
  const weekday = WEEKDAY_BY_SHORT_NAME[fields.get('weekday') ?? '']
  if (!weekday) throw new Error(`Unexpected weekday from Intl: ${String(fields.get('weekday'))}`)
  return {
    year: number('year'),
    month: number('month'),
    day: number('day'),
    // Some ICU versions still write midnight as 24 despite h23.
    hour: number('hour') % 24,
    minute: number('minute'),
    second: number('second'),
    weekday,
  }
}

function clockMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number)
  return (hours ?? 0) * 60 + (minutes ?? 0)
}

function spanIncludes(span: OpeningHours, weekday: Weekday, minuteOfDay: number): boolean {
  return (
    span.days.includes(weekday) &&
    clockMinutes(span.open) <= minuteOfDay &&
    minuteOfDay < clockMinutes(span.close)
  )
}

/** 'YYYY-MM-DD' of `at` in `timeZone` ('' for this computer's zone): the day a usage record belongs to. */
export function localDate(at: Date, timeZone: string): string {
  const clock = wallClock(at, timeZone)
  const pad = (value: number, width: number): string => String(value).padStart(width, '0')
  return `${pad(clock.year, 4)}-${pad(clock.month, 2)}-${pad(clock.day, 2)}`
}

/** Open at `at`? No opening hours at all means always open; a span runs from `open` up to (not including) `close`. */
export function isWithinOpeningHours(schedule: ScheduleSettings, at: Date): boolean {
  if (schedule.openingHours.length === 0) return true
  const clock = wallClock(at, schedule.timeZone)
  const minuteOfDay = clock.hour * 60 + clock.minute
  return schedule.openingHours.some((span) => spanIncludes(span, clock.weekday, minuteOfDay))
}

/** The zone's offset from UTC at `at`, in milliseconds (positive east of Greenwich). */
function utcOffsetMs(at: Date, timeZone: string): number {
  const clock = wallClock(at, timeZone)
  const wallAsUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second)
  return wallAsUtc - Math.floor(at.getTime() / 1000) * 1000
}

/**
 * The instants in [from, to] where the zone's offset changes (daylight saving), to the minute. Sampled hourly:
 * real zones change at most a few times a year, never twice within an hour.
 */
function offsetChanges(
  from: number,
  to: number,
  timeZone: string,
): { instants: number[]; offsets: Set<number> } {
  const instants: number[] = []
  const offsets = new Set<number>()
  // Whole minutes, so that the narrowing below lands on the minute a zone changes at.
  let previous = Math.floor(from / MINUTE_MS) * MINUTE_MS
  let previousOffset = utcOffsetMs(new Date(previous), timeZone)
  offsets.add(previousOffset)
  for (let sample = previous + HOUR_MS; sample <= to + HOUR_MS; sample += HOUR_MS) {
    const offset = utcOffsetMs(new Date(sample), timeZone)
    if (offset !== previousOffset) {
      offsets.add(offset)
      // Narrow to the first minute with the new offset.
      let before = previous
      let after = sample
      while (after - before > MINUTE_MS) {
        const middle = before + Math.floor((after - before) / MINUTE_MS / 2) * MINUTE_MS
        if (utcOffsetMs(new Date(middle), timeZone) === previousOffset) before = middle
        else after = middle
      }
      instants.push(after)
    }
    previous = sample
    previousOffset = offset
  }
  return { instants, offsets }
}

/**
 * The next instant after `at` when {@link isWithinOpeningHours} gives the other answer, or undefined if that does not
 * happen within {@link SCHEDULE_LOOKAHEAD_MS} (always open, or never open).
 *
 * The answer can only change where the wall clock reaches a span boundary or midnight, or where it jumps (daylight
 * saving). So every such wall time on every day in reach, read with each offset the zone uses in that window, plus
 * every jump, is a candidate; the earliest candidate with the other answer is the change, because the answer is
 * constant between consecutive candidates.
 */
export function nextScheduleChange(schedule: ScheduleSettings, at: Date): Date | undefined {
  if (schedule.openingHours.length === 0) return undefined
  const start = at.getTime()
  const end = start + SCHEDULE_LOOKAHEAD_MS
  const zone = schedule.timeZone
  const { instants: jumps, offsets } = offsetChanges(start - DAY_MS, end + DAY_MS, zone)

  const boundaries = new Set<number>([0])
  for (const span of schedule.openingHours) {
    boundaries.add(clockMinutes(span.open))
    boundaries.add(clockMinutes(span.close) % MINUTES_PER_DAY)
  }

  const today = wallClock(at, zone)
  const candidates = new Set<number>(jumps)
  for (let dayOffset = -1; dayOffset <= 9; dayOffset += 1) {
    for (const minuteOfDay of boundaries) {
      const wallAsUtc = Date.UTC(today.year, today.month - 1, today.day + dayOffset, 0, minuteOfDay)
      for (const offset of offsets) candidates.add(wallAsUtc - offset)
    }
  }

  const openNow = isWithinOpeningHours(schedule, at)
  const ordered = [...candidates].filter((instant) => instant > start && instant <= end).sort((a, b) => a - b)
  for (const instant of ordered) {
    const candidate = new Date(instant)
    if (isWithinOpeningHours(schedule, candidate) !== openNow) return candidate
  }
  return undefined
}
