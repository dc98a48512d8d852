import type { SessionToken } from '../../shared/contract'
import { BridgeError } from '../../shared/result'
import type { Logger } from './logger'
import { mintToken, ProviderError, providerErrorToBridgeError } from './provider-token'
import type { SecretStore } from './secrets'
import type { SettingsService } from './settings'

export type ProviderKind = 'configured' | 'not-configured' | 'sandbox'

/** Starts (once) and returns the local sandbox provider used when no API key is configured. */
export interface SandboxProvider {
  ensureStarted(): Promise<{ baseUrl: string; apiKey: string }>
}

/**
 * Decides which provider a session talks to and mints its tokens. With a key, the configured provider; without
 * one, the built-in sandbox when the host offers it, so a fresh install still shows a talking avatar.
 */
export class ProviderAccess {
  constructor(
    private readonly settings: SettingsService,
    private readonly secrets: SecretStore,
    private readonly log: Logger,
    private readonly sandbox?: SandboxProvider,
  ) {}

  kind(): ProviderKind {
    if (this.secrets.has('providerApiKey')) return 'configured'
    return this.sandbox ? 'sandbox' : 'not-configured'
  }

  async mintSessionToken(): Promise<Omit<SessionToken, 'lease'>> {
    const target = await this.target()
    if (!target) {
      throw new BridgeError({
        code: 'not-configured',
        message: 'Add the avatar service API key in the admin settings.',
      })
    }
    try {
      const token = await mintToken({ baseUrl: target.baseUrl, apiKey: target.apiKey })
      return { token, baseUrl: target.baseUrl, sandbox: target.sandbox }
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error
      this.log.warn('session token request failed', { kind: error.kind, ...error.details })
      throw providerErrorToBridgeError(error)
    }
  }

  private async target(): Promise<{ baseUrl: string; apiKey: string; sandbox: boolean } | undefined> {
    const apiKey = await this.secrets.get('providerApiKey')
    if (apiKey !== undefined) return { baseUrl: this.settings.get().provider.baseUrl, apiKey, sandbox: false }
    if (!this.sandbox) return undefined
    return { ...(await this.sandbox.ensureStarted()), sandbox: true }
  }

  async baseUrl(): Promise<string> {
    return (await this.target())?.baseUrl ?? this.settings.get().provider.baseUrl
  }
}
