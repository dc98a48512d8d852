import type { CatalogItem, CatalogKind, SessionToken } from '../../shared/contract'
import { BridgeError } from '../../shared/result'
import { providerBaseUrl, type ProviderKind } from '../../shared/settings/schema'
import type { CspInput } from '../security/csp'
import type { Logger } from './logger'
import { fetchHeygenCatalog, fetchLiveAvatarCatalog } from './providers/catalog'
import { mintHeygenToken } from './providers/heygen-token'
import { liveAvatarTokenBody, mintLiveAvatarToken } from './providers/liveavatar-token'
import { ProviderError, providerErrorToBridgeError } from './providers/provider-errors'
import type { SecretStore } from './secrets'
import type { SettingsService } from './settings'

/** Whether a key is set, or the built-in sandbox stands in, or neither. */
export type ProviderAvailability = 'configured' | 'not-configured' | 'sandbox'

/** The local sandbox provider used when no API key is configured. It speaks both protocols at one URL. */
export interface SandboxProvider {
  /** Starts it once; later calls return the running one. */
  ensureStarted(): Promise<{ baseUrl: string; apiKey: string }>
  /** Set once it runs. */
  readonly baseUrl: string | undefined
  close(): Promise<void>
}

/** Where main sends a provider call, with which key and protocol. Never leaves main. */
export interface ProviderTarget {
  kind: ProviderKind
  baseUrl: string
  apiKey: string
  sandbox: boolean
}

export interface MintedSession {
  /** What the renderer gets (a lease is added by the caller). */
  token: Omit<SessionToken, 'lease'>
  /** LiveAvatar names the session at mint time; main keeps the id to stop the session itself if need be. */
  sessionId?: string
}

/**
 * Decides which provider a session talks to and mints its tokens. With a key, the configured provider; without
 * one, the built-in sandbox when the host offers it, so a fresh install still shows a talking avatar. The
 * protocol is always the configured kind's, also against the sandbox, so a fresh install rehearses LiveAvatar.
 */
export class ProviderAccess {
  constructor(
    private readonly settings: SettingsService,
    private readonly secrets: SecretStore,
    private readonly log: Logger,
    private readonly sandbox?: SandboxProvider,
  ) {}

  kind(): ProviderAvailability {
    if (this.secrets.has('providerApiKey')) return 'configured'
    return this.sandbox ? 'sandbox' : 'not-configured'
  }

  providerKind(): ProviderKind {
    return this.settings.get().provider.kind
  }

  /** For the admin panel (`ProviderStatus`). */
  status(): { kind: ProviderAvailability; providerKind: ProviderKind; baseUrl: string } {
    return { kind: this.kind(), providerKind: this.providerKind(), baseUrl: this.baseUrl() }
  }

  async mintSessionToken(): Promise<MintedSession> {
    const target = await this.target()
    try {
      if (target.kind === 'heygen') {
        const token = await mintHeygenToken(target)
        return { token: { token, baseUrl: target.baseUrl, sandbox: target.sandbox, kind: 'heygen' } }
      }
      const settings = this.settings.get()
      const minted = await mintLiveAvatarToken({ ...target, body: liveAvatarTokenBody(settings) })
      return {
        token: {
          token: minted.token,
          baseUrl: target.baseUrl,
          sandbox: target.sandbox,
          kind: 'liveavatar',
          mode: settings.provider.liveavatar.mode,
        },
        sessionId: minted.sessionId,
      }
    } catch (error) {
      throw this.toBridgeError(error, 'session token request failed', target)
    }
  }

  /** The avatars, voices or contexts the provider offers this key (admin panel pickers). */
  async listCatalog(kind: CatalogKind): Promise<CatalogItem[]> {
    const target = await this.target()
    try {
      return target.kind === 'heygen'
        ? await fetchHeygenCatalog(target, kind)
        : await fetchLiveAvatarCatalog(target, kind)
    } catch (error) {
      throw this.toBridgeError(error, 'catalogue request failed', target)
    }
  }

  /** Turns a ProviderError into what the renderer may see, logging it (never with the key). */
  toBridgeError(error: unknown, what: string, target: Pick<ProviderTarget, 'kind' | 'sandbox'>): unknown {
    if (!(error instanceof ProviderError)) return error
    this.log.warn(what, {
      kind: error.kind,
      providerKind: target.kind,
      sandbox: target.sandbox,
      ...error.details,
    })
    return providerErrorToBridgeError(error)
  }

  /** The provider a call goes to now; throws `not-configured` when there is none. */
  async target(): Promise<ProviderTarget> {
    const { provider } = this.settings.get()
    const apiKey = await this.secrets.get('providerApiKey')
    if (apiKey !== undefined) {
      return { kind: provider.kind, baseUrl: providerBaseUrl(provider), apiKey, sandbox: false }
    }
    if (!this.sandbox) {
      throw new BridgeError({
        code: 'not-configured',
        message: 'Add the avatar service API key in the admin settings.',
      })
    }
    return { kind: provider.kind, ...(await this.sandbox.ensureStarted()), sandbox: true }
  }

  /**
   * The key that stops a session main minted: the sandbox's own, or the stored one (undefined when it has been
   * removed since; the caller then falls back to the session token).
   */
  async apiKeyFor(sandbox: boolean): Promise<string | undefined> {
    if (sandbox) return this.sandbox ? (await this.sandbox.ensureStarted()).apiKey : undefined
    return this.secrets.get('providerApiKey').catch(() => undefined)
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
    return providerBaseUrl(this.settings.get().provider)
  }

  /** What the renderer's CSP is derived from. */
  cspInput(): CspInput {
    return { providerKind: this.providerKind(), providerBaseUrl: this.baseUrl() }
  }

  /**
   * The origin whose responses need a CORS answer for our custom-scheme page: LiveAvatar's SDK fetches its
   * session calls with credentials. Only a configured LiveAvatar API; the sandbox answers CORS itself and
   * the legacy SDK needs nothing.
   */
  corsOrigin(): string | undefined {
    if (this.kind() !== 'configured' || this.providerKind() !== 'liveavatar') return undefined
    return new URL(this.baseUrl()).origin
  }

  async close(): Promise<void> {
    await this.sandbox?.close()
  }
}
