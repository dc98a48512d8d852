import type { Settings } from '../../../shared/settings/schema'
import { isWithinOpeningHours } from '../../../shared/schedule/opening-hours'
import { BridgeError } from '../../../shared/result'
import type { UsageLedger } from './usage-ledger'

/**
 * Main's own check before it mints a session token: outside opening hours, or with today's minutes at the daily
 * budget, no session starts, whatever the page asks for. Every session costs money, so the page's own gate is
 * not trusted alone.
 */
export function assertSessionAllowed(
  settings: Pick<Settings, 'schedule' | 'budget'>,
  usage: Pick<UsageLedger, 'budget'>,
  at: Date,
): void {
  if (!isWithinOpeningHours(settings.schedule, at)) {
    throw new BridgeError({
      code: 'kiosk-closed',
      message: 'The kiosk is closed now (outside its opening hours): no session is started.',
    })
  }
  const budget = usage.budget(settings.budget.dailyMinutes)
  if (budget.reached) {
    throw new BridgeError({
      code: 'budget-reached',
      message: `Today's budget of ${budget.dailyMinutes} session minutes is used up: no session starts until tomorrow.`,
    })
  }
}
