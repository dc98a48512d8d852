import type { SettingsView } from '../../../src/shared/contract'
import { defaultSettings } from '../../../src/shared/settings/schema'

/** A SettingsView that satisfies the contract, for handlers and fake transports. */
export function sampleSettingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    settings: defaultSettings(),
    secrets: { providerApiKey: false, llmApiKey: false, adminPin: false },
    secretProtection: { kind: 'file-permissions-only', description: 'test' },
    provider: { kind: 'not-configured', providerKind: 'liveavatar', baseUrl: 'https://api.liveavatar.com' },
    admin: { locked: false },
    notices: [],
    ...overrides,
  }
}
