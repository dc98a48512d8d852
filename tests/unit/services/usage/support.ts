import { UsageLedger, type UsageLedgerOptions } from '../../../../src/main/services/usage/usage-ledger'
import type { CreditRates } from '../../../../src/main/services/usage/usage-model'
import { memoryLogger } from '../../support/memory-log'

export const DEFAULT_RATES: CreditRates = { liveavatarFull: 2, liveavatarLite: 1, heygen: 0.2 }
export const MINUTE = 60_000

/** A ledger on a fake clock, so minutes pass at the test's word. */
export function ledgerAt(
  path: string,
  startIso: string,
  options: Partial<UsageLedgerOptions> & { zone?: string; rates?: CreditRates } = {},
) {
  const clock = { now: Date.parse(startIso) }
  const log = memoryLogger()
  const rates = { current: options.rates ?? DEFAULT_RATES }
  const ledger = new UsageLedger(path, log, {
    timeZone: () => options.zone ?? 'UTC',
    rates: () => rates.current,
    now: () => clock.now,
    ...(options.coalesceMs !== undefined ? { coalesceMs: options.coalesceMs } : {}),
    ...(options.checkpointMs !== undefined ? { checkpointMs: options.checkpointMs } : {}),
  })
  return {
    ledger,
    log,
    rates,
    advance: (minutes: number) => {
      clock.now += minutes * MINUTE
    },
    clock,
  }
}
