import { describe, expect, it } from 'vitest'
import { budgetLine, speculativeLine } from '../../../../src/renderer/src/admin/usage-view'

describe('the admin panel’s budget line', () => {
  it('says how much of the daily budget is used, or that it is used up', () => {
    expect(budgetLine({ dailyMinutes: 30, usedMinutesToday: 12, reached: false })).toBe(
      'Daily budget: 12 of 30 minutes used',
    )
    expect(budgetLine({ dailyMinutes: 30, usedMinutesToday: 0.333, reached: false })).toBe(
      'Daily budget: 0.33 of 30 minutes used',
    )
    expect(budgetLine({ dailyMinutes: 30, usedMinutesToday: 30.5, reached: true })).toBe(
      'Today’s budget is used up: the kiosk sleeps until tomorrow.',
    )
    expect(budgetLine({ dailyMinutes: 0, usedMinutesToday: 7.25, reached: false })).toBe(
      'No daily budget: sessions are not capped (7.25 minutes today).',
    )
  })
})

describe('the admin panel’s speculative answers line', () => {
  it('adds up the answers prepared during pauses and the discarded ones over the days shown', () => {
    const days = [
      { speculativeAnswers: 4, speculativeDiscarded: 1 },
      { speculativeAnswers: 0, speculativeDiscarded: 0 },
      { speculativeAnswers: 7, speculativeDiscarded: 2 },
    ]
    expect(speculativeLine(days, 'last 30 days')).toBe(
      'Answers prepared during pauses, last 30 days: 11, of which discarded: 3',
    )
    expect(speculativeLine([], 'today')).toBe(
      'Answers prepared during pauses, today: 0, of which discarded: 0',
    )
  })
})
