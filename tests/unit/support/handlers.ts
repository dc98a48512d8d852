import { vi } from 'vitest'
import type { BridgeHandlers } from '../../../src/main/bridge/dispatch'
import { sampleSettingsView } from './settings-view'

/** Handlers that answer within the contract; each is a spy so tests can check it was (not) reached. */
export function fakeHandlers(overrides: Partial<BridgeHandlers> = {}): BridgeHandlers {
  const handlers: BridgeHandlers = {
    getSettings: vi.fn(() => sampleSettingsView()),
    updateSettings: vi.fn(() => sampleSettingsView()),
    setSecret: vi.fn(() => sampleSettingsView()),
    clearSecret: vi.fn(() => sampleSettingsView()),
    setAdminPin: vi.fn(() => sampleSettingsView()),
    unlockAdmin: vi.fn(() => ({ unlocked: true, retryAfterMs: 0 })),
    lockAdmin: vi.fn(() => null),
    mintSessionToken: vi.fn(() => ({
      token: 'session-token',
      baseUrl: 'https://api.heygen.com',
      sandbox: false,
    })),
    log: vi.fn(() => null),
  }
  return { ...handlers, ...overrides }
}
