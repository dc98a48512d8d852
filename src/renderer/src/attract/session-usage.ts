import type { SessionSnapshot } from '../session/session-controller'

export type SessionUsageEvent = { event: 'reconnect' } | { event: 'error'; errorKind: string }

/** Main's refusals are the kiosk working as configured (closed, out of budget), not failures. */
const REFUSALS = new Set(['kiosk-closed', 'budget-reached'])

/** A short machine name for a failed start, as the usage ledger takes it: `session-` and the error's code. */
export function sessionErrorKind(code: string): string {
  const slug = code
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `session-${slug || 'unknown'}`.slice(0, 40).replace(/-+$/, '')
}

/**
 * What a session controller transition means for the usage ledger: a drop that came back live is a reconnect
 * (a planned rotation is not), and a failed attempt is an error of its kind.
 */
export function sessionUsageEvent(
  previous: SessionSnapshot,
  next: SessionSnapshot,
  droppedReason: string | undefined,
): SessionUsageEvent | undefined {
  if (next.state === 'live' && previous.state === 'reconnecting') {
    return droppedReason?.startsWith('rotation') ? undefined : { event: 'reconnect' }
  }
  const failed =
    next.failures > previous.failures && (next.state === 'reconnecting' || next.state === 'failed')
  if (failed && !REFUSALS.has(next.reason))
    return { event: 'error', errorKind: sessionErrorKind(next.reason) }
  return undefined
}
