import { describe, expect, it } from 'vitest'
import {
  lastLocalDays,
  localDay,
  nextLocalMidnight,
  splitByLocalDay,
} from '../../../../src/main/services/usage/local-day'

const at = (iso: string) => Date.parse(iso)

describe('local days', () => {
  it('names the day in the kiosk zone, not in UTC', () => {
    expect(localDay(at('2026-11-30T04:30:00Z'), 'America/New_York')).toBe('2026-11-29')
    expect(localDay(at('2026-11-30T04:30:00Z'), 'UTC')).toBe('2026-11-30')
    expect(localDay(at('2026-11-30T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-12-01')
  })

  it('finds midnight on a daylight-saving day', () => {
    // Berlin moves from CET to CEST on 29 March 2026; its midnight before that is 23:00 UTC.
    expect(new Date(nextLocalMidnight(at('2026-03-28T12:00:00Z'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    )
    // The 29th is 23 hours long: the next midnight is 22:00 UTC.
    expect(new Date(nextLocalMidnight(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    )
  })

  it('cuts a span at local midnights', () => {
    const pieces = splitByLocalDay(at('2026-11-30T04:30:00Z'), at('2026-11-30T05:45:00Z'), 'America/New_York')
    expect(pieces).toEqual([
      { day: '2026-11-29', ms: 30 * 60_000 },
      { day: '2026-11-30', ms: 45 * 60_000 },
    ])
    expect(splitByLocalDay(5, 5, 'UTC')).toEqual([])
  })

  it('lists the last days oldest first, across a month end', () => {
    expect(lastLocalDays(at('2026-03-01T10:00:00Z'), 3, 'UTC')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ])
  })
})
