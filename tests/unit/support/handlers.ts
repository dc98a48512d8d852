import { vi } from 'vitest'
import type { BridgeHandlers } from '../../../src/main/bridge/dispatch'
import { CALL_NAMES, type CallName, type CallResponse } from '../../../src/shared/contract'
import { sampleSettingsView } from './settings-view'

/** A session token that satisfies the contract (extra members are stripped if the contract lacks them). */
export const SAMPLE_TOKEN: CallResponse<'mintSessionToken'> = {
  token: 'session-token',
  baseUrl: 'https://api.liveavatar.com',
  sandbox: false,
  kind: 'liveavatar',
  mode: 'full',
  lease: 'lease-1',
}

const answers: Partial<Record<CallName, () => unknown>> = {
  getSettings: () => sampleSettingsView(),
  updateSettings: () => sampleSettingsView(),
  setSecret: () => sampleSettingsView(),
  clearSecret: () => sampleSettingsView(),
  setAdminPin: () => sampleSettingsView(),
  unlockAdmin: () => ({ unlocked: true, retryAfterMs: 0 }),
  mintSessionToken: () => ({ ...SAMPLE_TOKEN }),
  reloadPage: () => ({ reloadedBy: 'page' }),
}

/**
 * One spy per contract call, answering within the contract (calls without a listed answer return `null`, the
 * contract's "done"), so tests can check whether a handler was reached.
 */
export function fakeHandlers(overrides: Partial<BridgeHandlers> = {}): BridgeHandlers {
  const handlers = Object.fromEntries(CALL_NAMES.map((name) => [name, vi.fn(answers[name] ?? (() => null))]))
  return { ...(handlers as unknown as BridgeHandlers), ...overrides }
}
