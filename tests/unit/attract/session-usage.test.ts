import { describe, expect, it } from 'vitest'
import { sessionErrorKind, sessionUsageEvent } from '../../../src/renderer/src/attract/session-usage'
import type { SessionSnapshot } from '../../../src/renderer/src/session/session-controller'
import { ErrorKindSchema } from '../../../src/shared/usage'

const snap = (state: SessionSnapshot['state'], reason = '', failures = 0): SessionSnapshot => ({
  state,
  reason,
  failures,
  offline: false,
})

describe('sessionUsageEvent', () => {
  it('counts a drop that came back live as a reconnect, but not a planned rotation', () => {
    expect(sessionUsageEvent(snap('reconnecting', 'dropped'), snap('live'), 'dropped')).toEqual({
      event: 'reconnect',
    })
    expect(sessionUsageEvent(snap('reconnecting'), snap('live'), 'rotation: duration limit')).toBeUndefined()
    expect(sessionUsageEvent(snap('connecting'), snap('live'), undefined)).toBeUndefined()
  })

  it('counts a failed attempt as an error of its kind, and a refusal by main as none', () => {
    expect(
      sessionUsageEvent(snap('connecting'), snap('reconnecting', 'provider-error', 1), undefined),
    ).toEqual({
      event: 'error',
      errorKind: 'session-provider-error',
    })
    expect(sessionUsageEvent(snap('reconnecting', 'x', 2), snap('failed', 'Error', 3), undefined)).toEqual({
      event: 'error',
      errorKind: 'session-error',
    })
    expect(
      sessionUsageEvent(snap('connecting'), snap('reconnecting', 'budget-reached', 1), undefined),
    ).toBeUndefined()
    expect(sessionUsageEvent(snap('live'), snap('reconnecting', 'dropped', 0), undefined)).toBeUndefined()
  })

  it('makes error kinds the ledger accepts from any code', () => {
    for (const code of ['TypeError', 'HTTP 500: Bad Gateway!', '', '—', 'x'.repeat(80)]) {
      expect(ErrorKindSchema.safeParse(sessionErrorKind(code)).success, code).toBe(true)
    }
  })
})
