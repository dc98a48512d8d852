import { describe, expect, it } from 'vitest'
import {
  SCHEDULE_LOOKAHEAD_MS,
  isWithinOpeningHours,
  localDate,
  nextScheduleChange,
} from '../../../src/shared/schedule/opening-hours'
import {
  ScheduleSettingsSchema,
  WEEKDAYS,
  type OpeningHours,
  type ScheduleSettings,
  type Weekday,
} from '../../../src/shared/settings/operations'

function schedule(timeZone: string, openingHours: OpeningHours[]): ScheduleSettings {
  return ScheduleSettingsSchema.parse({ timeZone, openingHours })
}

const utc = (iso: string): Date => new Date(iso)
const WEEKDAYS_ONLY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri']

// 2026-03-02 is a Monday. Berlin leaves CET for CEST on 2026-03-29 at 01:00 UTC (02:00 becomes 03:00) and goes back
// on 2026-10-25 at 01:00 UTC (03:00 becomes 02:00, so 02:00-02:59 happens twice).

describe('isWithinOpeningHours', () => {
  it('is always open without opening hours', () => {
    const always = schedule('Europe/Berlin', [])
    expect(isWithinOpeningHours(always, utc('2026-03-01T03:00:00Z'))).toBe(true)
    expect(nextScheduleChange(always, utc('2026-03-01T03:00:00Z'))).toBeUndefined()
  })

  it('opens at the opening minute and closes at the closing minute, in the schedule’s zone', () => {
    const office = schedule('Europe/Berlin', [{ days: WEEKDAYS_ONLY, open: '08:00', close: '18:00' }])
    expect(isWithinOpeningHours(office, utc('2026-03-02T06:59:59Z'))).toBe(false) // 07:59:59 CET
    expect(isWithinOpeningHours(office, utc('2026-03-02T07:00:00Z'))).toBe(true) // 08:00 CET
    expect(isWithinOpeningHours(office, utc('2026-03-02T16:59:59Z'))).toBe(true)
    expect(isWithinOpeningHours(office, utc('2026-03-02T17:00:00Z'))).toBe(false) // 18:00 CET
    // Saturday, during opening time on weekdays.
    expect(isWithinOpeningHours(office, utc('2026-03-07T10:00:00Z'))).toBe(false)
  })

  it('takes the weekday from the schedule’s zone, not from UTC', () => {
    // 2026-03-02T23:30Z is still Monday in UTC but already Tuesday 08:30 in Tokyo.
    const tuesdays = schedule('Asia/Tokyo', [{ days: ['tue'], open: '08:00', close: '09:00' }])
    expect(isWithinOpeningHours(tuesdays, utc('2026-03-02T23:30:00Z'))).toBe(true)
    const mondays = schedule('Asia/Tokyo', [{ days: ['mon'], open: '08:00', close: '09:00' }])
    expect(isWithinOpeningHours(mondays, utc('2026-03-02T23:30:00Z'))).toBe(false)
  })

  it('treats 24:00 as the end of the day and joins two spans across midnight', () => {
    const lateNight = schedule('UTC', [
      { days: ['fri'], open: '20:00', close: '24:00' },
      { days: ['sat'], open: '00:00', close: '02:00' },
    ])
    expect(isWithinOpeningHours(lateNight, utc('2026-03-06T23:59:59Z'))).toBe(true)
    expect(isWithinOpeningHours(lateNight, utc('2026-03-07T00:00:00Z'))).toBe(true)
    expect(isWithinOpeningHours(lateNight, utc('2026-03-07T02:00:00Z'))).toBe(false)
    // Friday 23:00: the answer does not flip at midnight, only at 02:00 on Saturday.
    expect(nextScheduleChange(lateNight, utc('2026-03-06T23:00:00Z'))?.toISOString()).toBe(
      '2026-03-07T02:00:00.000Z',
    )
  })

  it('uses this computer’s zone when the zone is empty', () => {
    const runtimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const hours: OpeningHours[] = [{ days: ['mon'], open: '09:00', close: '10:00' }]
    for (let hour = 0; hour < 48; hour += 1) {
      const at = new Date(Date.UTC(2026, 2, 1, hour, 30))
      expect(isWithinOpeningHours(schedule('', hours), at)).toBe(
        isWithinOpeningHours(schedule(runtimeZone, hours), at),
      )
    }
  })
})

describe('nextScheduleChange', () => {
  it('finds the next opening and the next closing', () => {
    const office = schedule('Europe/Berlin', [{ days: WEEKDAYS_ONLY, open: '08:00', close: '18:00' }])
    expect(nextScheduleChange(office, utc('2026-03-02T06:59:30Z'))?.toISOString()).toBe(
      '2026-03-02T07:00:00.000Z',
    )
    expect(nextScheduleChange(office, utc('2026-03-02T07:00:00Z'))?.toISOString()).toBe(
      '2026-03-02T17:00:00.000Z',
    )
    // Friday evening: closed over the weekend, open again on Monday.
    expect(nextScheduleChange(office, utc('2026-03-06T17:00:00Z'))?.toISOString()).toBe(
      '2026-03-09T07:00:00.000Z',
    )
  })

  it('follows Berlin into summer time (March)', () => {
    const sundays = schedule('Europe/Berlin', [{ days: ['sun'], open: '08:00', close: '18:00' }])
    // Saturday 21:00 CET; Sunday opens at 08:00 CEST, which is 06:00 UTC, not 07:00.
    const opening = nextScheduleChange(sundays, utc('2026-03-28T20:00:00Z'))
    expect(opening?.toISOString()).toBe('2026-03-29T06:00:00.000Z')
    expect(nextScheduleChange(sundays, opening ?? new Date(0))?.toISOString()).toBe(
      '2026-03-29T16:00:00.000Z',
    )
  })

  it('opens at the jump when the opening time does not exist that night', () => {
    // 02:30 never happens in Berlin on 2026-03-29: the clock goes from 01:59:59 CET to 03:00 CEST.
    const night = schedule('Europe/Berlin', [{ days: ['sun'], open: '02:30', close: '05:00' }])
    expect(isWithinOpeningHours(night, utc('2026-03-29T00:59:00Z'))).toBe(false)
    expect(isWithinOpeningHours(night, utc('2026-03-29T01:00:00Z'))).toBe(true)
    expect(nextScheduleChange(night, utc('2026-03-29T00:30:00Z'))?.toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    )
    expect(nextScheduleChange(night, utc('2026-03-29T01:00:00Z'))?.toISOString()).toBe(
      '2026-03-29T03:00:00.000Z',
    )
  })

  it('follows Berlin back to winter time (October), where an hour happens twice', () => {
    const early = schedule('Europe/Berlin', [{ days: ['sun'], open: '00:00', close: '02:30' }])
    // 01:00 CEST on Sunday: open; 02:30 CEST (00:30 UTC) closes; at 03:00 CEST the clock goes back to 02:00 CET
    // (01:00 UTC), which is inside the span again until 02:30 CET (01:30 UTC).
    const at = utc('2026-10-24T23:00:00Z')
    expect(isWithinOpeningHours(early, at)).toBe(true)
    const firstClose = nextScheduleChange(early, at)
    expect(firstClose?.toISOString()).toBe('2026-10-25T00:30:00.000Z')
    const reopen = nextScheduleChange(early, firstClose ?? new Date(0))
    expect(reopen?.toISOString()).toBe('2026-10-25T01:00:00.000Z')
    expect(nextScheduleChange(early, reopen ?? new Date(0))?.toISOString()).toBe('2026-10-25T01:30:00.000Z')
  })

  it('closes an evening span at the right hour after the October change', () => {
    const sundays = schedule('Europe/Berlin', [{ days: ['sun'], open: '08:00', close: '18:00' }])
    // Saturday noon CEST; Sunday 08:00 is CET again, 07:00 UTC.
    expect(nextScheduleChange(sundays, utc('2026-10-24T10:00:00Z'))?.toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    )
  })

  it('works in a zone without daylight saving and a half-hour offset', () => {
    // India is UTC+05:30 all year.
    const weekdays = schedule('Asia/Kolkata', [{ days: WEEKDAYS_ONLY, open: '09:00', close: '17:30' }])
    expect(nextScheduleChange(weekdays, utc('2026-03-02T03:00:00Z'))?.toISOString()).toBe(
      '2026-03-02T03:30:00.000Z',
    )
    expect(nextScheduleChange(weekdays, utc('2026-03-02T03:30:00Z'))?.toISOString()).toBe(
      '2026-03-02T12:00:00.000Z',
    )
    // The same span on the day Berlin changes: nothing moves in India.
    expect(nextScheduleChange(weekdays, utc('2026-03-29T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-30T03:30:00.000Z',
    )
  })

  it('looks a week ahead, and gives up when the answer never changes', () => {
    const wednesdays = schedule('UTC', [{ days: ['wed'], open: '10:00', close: '11:00' }])
    // Wednesday 11:00: the next opening is a week later, minus nothing.
    expect(nextScheduleChange(wednesdays, utc('2026-03-04T11:00:00Z'))?.toISOString()).toBe(
      '2026-03-11T10:00:00.000Z',
    )
    const allWeek = schedule('Europe/Berlin', [{ days: [...WEEKDAYS], open: '00:00', close: '24:00' }])
    expect(nextScheduleChange(allWeek, utc('2026-03-29T00:30:00Z'))).toBeUndefined()
  })

  it('agrees with a minute-by-minute walk for varied schedules across both Berlin changes', () => {
    let seed = 11
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % below
    }
    const clock = (minutes: number): string =>
      minutes === 1440
        ? '24:00'
        : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
    const starts = ['2026-03-28T22:17:00Z', '2026-10-24T21:43:00Z', '2026-06-10T09:05:00Z']
    for (const [index, start] of starts.entries()) {
      const spans: OpeningHours[] = Array.from({ length: 1 + random(3) }, () => {
        const open = random(1400)
        const close = open + 1 + random(1440 - open)
        const days = WEEKDAYS.filter(() => random(2) === 0)
        return { days: days.length > 0 ? days : ['sun'], open: clock(open), close: clock(close) }
      })
      const subject = schedule(index === 2 ? 'America/New_York' : 'Europe/Berlin', spans)
      let at = utc(start)
      // Follow three changes, each checked against a walk over every minute up to it.
      for (let change = 0; change < 3; change += 1) {
        const next = nextScheduleChange(subject, at)
        const openAtStart = isWithinOpeningHours(subject, at)
        let walked: Date | undefined
        const firstMinute = Math.floor(at.getTime() / 60_000) * 60_000 + 60_000
        for (let instant = firstMinute; instant <= at.getTime() + SCHEDULE_LOOKAHEAD_MS; instant += 60_000) {
          if (isWithinOpeningHours(subject, new Date(instant)) !== openAtStart) {
            walked = new Date(instant)
            break
          }
        }
        expect(next?.toISOString(), JSON.stringify({ spans, at })).toBe(walked?.toISOString())
        if (!next) break
        at = next
      }
    }
  })
})

describe('localDate', () => {
  it('gives the calendar day in the zone', () => {
    const lateEvening = utc('2026-03-01T23:30:00Z')
    expect(localDate(lateEvening, 'UTC')).toBe('2026-03-01')
    expect(localDate(lateEvening, 'Europe/Berlin')).toBe('2026-03-02')
    expect(localDate(lateEvening, 'America/Los_Angeles')).toBe('2026-03-01')
    expect(localDate(utc('2026-12-31T23:00:00Z'), 'Asia/Kolkata')).toBe('2027-01-01')
  })

  it('uses this computer’s zone when the zone is empty', () => {
    const runtimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const at = utc('2026-07-15T23:59:00Z')
    expect(localDate(at, '')).toBe(localDate(at, runtimeZone))
  })
})
