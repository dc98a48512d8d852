import type { SessionToken } from '../../shared/contract'
import { BridgeError } from '../../shared/result'
import type { Logger } from './logger'
import { mintToken, ProviderError, providerErrorToBridgeError } from './provider-token'
import type { SecretStore } from './secrets'
import type { SettingsService } from './settings'

export type ProviderKind = 'configured' | 'not-configured' | 'sandbox'

/** The local sandbox provider used when no API key is configured. */
export interface SandboxProvider {
  /** Starts it once; later calls return the running one. */
  ensureStarted(): Promise<{ baseUrl: string; apiKey: string }>
  /** Set once it runs. */
  readonly baseUrl: string | undefined
  close(): Promise<void>
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

  /**
   * Starts the sandbox ahead of the page when it will be used, so the page's CSP can name it. A sandbox that
   * cannot start is logged; token requests then explain why.
   */
  async prepare(): Promise<void> {
    if (this.kind() !== 'sandbox') return
    await this.sandbox?.ensureStarted().catch(() => undefined)
  }

  /** The provider the renderer talks to now (for the CSP and the admin panel). */
  baseUrl(): string {
    if (this.kind() === 'sandbox' && this.sandbox?.baseUrl) return this.sandbox.baseUrl
    return this.settings.get().provider.baseUrl
  }

  async close(): Promise<void> {
    await this.sandbox?.close()
  }
}
