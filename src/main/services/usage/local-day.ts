import { localDate } from '../../../shared/schedule/opening-hours'

/**
 * Calendar days in the kiosk's time zone, for the usage ledger's day counters: the schedule's `localDate` (Intl
 * only; an empty zone means this computer's), plus cutting a span of time at local midnights.
 */

/** The local calendar day of `at` (ms since the epoch) as YYYY-MM-DD. */
export function localDay(at: number, timeZone: string): string {
  return localDate(new Date(at), timeZone)
}

/** Local days are never longer than 25 hours (a DST change); 26 leaves room for odd zones. */
const LONGEST_DAY_MS = 26 * 60 * 60_000

/**
 * The first instant after `at` that falls on a later local day (the next local midnight, wherever DST moves
 * it), to the millisecond. Found by bisection, since a zone's midnight is not a fixed offset from UTC.
 */
export function nextLocalMidnight(at: number, timeZone: string): number {
  const day = localDay(at, timeZone)
  let before = at
  let after = at + LONGEST_DAY_MS
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2)
    if (localDay(middle, timeZone) === day) before = middle
    else after = middle
  }
  return after
}

/** `[from, to)` cut at local midnights: each piece with its day and length in milliseconds. */
export function splitByLocalDay(from: number, to: number, timeZone: string): { day: string; ms: number }[] {
  const pieces: { day: string; ms: number }[] = []
  let start = from
  while (start < to) {
    const end = Math.min(nextLocalMidnight(start, timeZone), to)
    pieces.push({ day: localDay(start, timeZone), ms: end - start })
    start = end
  }
  return pieces
}

/** The `count` local days ending with the day of `at`, oldest first. */
export function lastLocalDays(at: number, count: number, timeZone: string): string[] {
  const days: string[] = []
  let day = localDay(at, timeZone)
  for (let index = 0; index < count; index += 1) {
    days.unshift(day)
    day = previousDay(day)
  }
  return days
}

/** Calendar arithmetic on the date alone: the day before YYYY-MM-DD. */
function previousDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`)
  date.setUTCDate(date.getUTCDate() - 1)
  return date.toISOString().slice(0, 10)
}
