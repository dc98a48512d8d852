import { describe, expect, it } from 'vitest'
import { SessionLedger } from '../../../scripts/soak/sessions'

const open = (id: string) => ({ id, state: 'open' as const })
const closed = (id: string) => ({ id, state: 'closed' as const })

describe('SessionLedger', () => {
  it('counts opened and stopped sessions across polls', () => {
    const ledger = new SessionLedger(30_000)
    ledger.observe([open('a')], 'a', 0)
    ledger.observe([closed('a'), open('b')], 'b', 2_000)
    expect(ledger.counts()).toMatchObject({ opened: 2, stopped: 1, open: 1, leakedEver: 0 })
  })

  it('leaks a session left open, not the live one, only once the grace has passed', () => {
    const ledger = new SessionLedger(30_000)
    ledger.observe([open('a')], 'a', 0)
    ledger.observe([open('a'), open('b')], 'b', 1_000)
    ledger.observe([open('a'), open('b')], 'b', 30_000)
    expect(ledger.counts().leakedEver).toBe(0)
    ledger.observe([open('a'), open('b')], 'b', 31_000)
    expect(ledger.counts()).toMatchObject({ leakedEver: 1, leakedNow: 1 })
    ledger.observe([closed('a'), open('b')], 'b', 40_000)
    expect(ledger.counts()).toMatchObject({ leakedEver: 1, leakedNow: 0, stopped: 1 })
  })

  it('restarts the grace when a session becomes live again, and counts an unowned one while the page is gone', () => {
    const ledger = new SessionLedger(10_000)
    ledger.observe([open('a')], undefined, 0)
    ledger.observe([open('a')], 'a', 9_000)
    ledger.observe([open('a')], undefined, 15_000)
    expect(ledger.counts().leakedEver).toBe(0)
    ledger.observe([open('a')], undefined, 25_000)
    expect(ledger.counts().leakedEver).toBe(1)
  })

  it('tells sessions that went with a sandbox restart apart from stopped ones', () => {
    const ledger = new SessionLedger(30_000)
    ledger.observe([open('a')], 'a', 0)
    ledger.observe([], undefined, 2_000)
    ledger.observe([open('b')], 'b', 4_000)
    expect(ledger.counts()).toMatchObject({ opened: 2, stopped: 0, lostToRestart: 1, open: 1 })
  })
})
