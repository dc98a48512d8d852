import { randomUUID } from 'node:crypto'
import type { ProviderKind } from '../../shared/settings/schema'
import type { Logger } from './logger'

const STOP_TIMEOUT_MS = 5_000
/** A lease nobody reported a session for is forgotten after this: its token was used or has expired. */
const UNUSED_LEASE_TTL_MS = 10 * 60_000

/** What main needs to stop a session it minted a token for. */
export interface LeaseTarget {
  kind: ProviderKind
  baseUrl: string
  token: string
  /** Minted against the built-in sandbox, so stopped with the sandbox's key. */
  sandbox: boolean
  /** LiveAvatar names the session when the token is minted; the legacy API only when the page reports it. */
  sessionId?: string
}

interface Lease extends LeaseTarget {
  clientId: string
  issuedAt: number
  /** The page said it started the session. */
  reported: boolean
}

export interface SessionRegistryOptions {
  /** The API key a LiveAvatar stop is sent with (the sandbox's or the stored one), never kept here. */
  apiKeyFor?: (sandbox: boolean) => Promise<string | undefined>
  fetchImpl?: typeof fetch
  now?: () => number
}

/**
 * Every provider session costs money while it is open, so main remembers each one it minted a token for, and
 * stops it when its page can no longer do so: the renderer crashed or reloaded, the window closed, the web page
 * went away, or the app is quitting. Only sessions this kiosk started: nothing is listed from the provider.
 */
export class SessionRegistry {
  private readonly leases = new Map<string, Lease>()
  /** Stops already on their way (a page that went away): shutdown must wait for them, or they die with us. */
  private readonly stopsInFlight = new Set<Promise<void>>()
  private readonly apiKeyFor: (sandbox: boolean) => Promise<string | undefined>
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number

  constructor(
    private readonly log: Logger,
    options: SessionRegistryOptions = {},
  ) {
    this.apiKeyFor = options.apiKeyFor ?? (async () => undefined)
    this.fetchImpl = options.fetchImpl ?? fetch
    this.now = options.now ?? Date.now
  }

  issue(clientId: string, target: LeaseTarget): string {
    this.forgetStaleLeases()
    const lease = randomUUID()
    this.leases.set(lease, { ...target, clientId, issuedAt: this.now(), reported: false })
    return lease
  }

  /**
   * `abandoned`: the page could not stop the session itself (its stop call failed or timed out), so main
   * stops it now with the token it kept.
   */
  report(
    clientId: string,
    leaseId: string,
    sessionId: string,
    state: 'started' | 'stopped' | 'abandoned',
  ): void {
    const lease = this.leases.get(leaseId)
    if (!lease || lease.clientId !== clientId) {
      this.log.warn('session report for an unknown lease', { clientId, sessionId, state })
      return
    }
    // The id minted in main is the one to stop; a page reporting another is noted, not trusted.
    if (lease.sessionId === undefined) lease.sessionId = sessionId
    else if (lease.sessionId !== sessionId) {
      this.log.warn('session report names another session than the one minted', { clientId, state })
    }
    lease.reported = true
    if (state === 'started') return
    this.leases.delete(leaseId)
    if (state === 'abandoned') void this.stopSession(lease, 'abandoned by the page')
  }

  openSessions(clientId?: string): { sessionId: string; clientId: string }[] {
    return [...this.leases.values()]
      .filter(
        (lease) => lease.sessionId !== undefined && (clientId === undefined || lease.clientId === clientId),
      )
      .map((lease) => ({ sessionId: lease.sessionId as string, clientId: lease.clientId }))
  }

  /** Stops the sessions a client left behind. Resolves when every stop has been answered or timed out. */
  async stopOrphans(clientId: string, reason: string): Promise<number> {
    return this.stopWhere((lease) => lease.clientId === clientId, reason)
  }

  async stopAll(reason: string): Promise<number> {
    const stopped = await this.stopWhere(() => true, reason)
    await Promise.all([...this.stopsInFlight])
    return stopped
  }

  private async stopWhere(match: (lease: Lease) => boolean, reason: string): Promise<number> {
    const orphans = [...this.leases.entries()].filter(([, lease]) => match(lease))
    for (const [id] of orphans) this.leases.delete(id)
    const open = orphans.filter(([, lease]) => lease.sessionId !== undefined)
    await Promise.all(open.map(([, lease]) => this.stopSession(lease, reason)))
    return open.length
  }

  private async stopRequest(lease: Lease): Promise<{ url: string; init: RequestInit }> {
    const body = JSON.stringify({ session_id: lease.sessionId })
    if (lease.kind === 'heygen') {
      return {
        url: `${lease.baseUrl}/v1/streaming.stop`,
        init: {
          headers: { Authorization: `Bearer ${lease.token}`, 'Content-Type': 'application/json' },
          body,
        },
      }
    }
    // LiveAvatar stops with the API key and the session id; without a key (removed since), the session token.
    const apiKey = await this.apiKeyFor(lease.sandbox).catch(() => undefined)
    const auth: Record<string, string> =
      apiKey !== undefined ? { 'X-API-KEY': apiKey } : { Authorization: `Bearer ${lease.token}` }
    return {
      url: `${lease.baseUrl}/v1/sessions/stop`,
      init: { headers: { ...auth, 'Content-Type': 'application/json' }, body },
    }
  }

  private stopSession(lease: Lease, reason: string): Promise<void> {
    const stopping = this.sendStop(lease, reason)
    this.stopsInFlight.add(stopping)
    void stopping.finally(() => this.stopsInFlight.delete(stopping))
    return stopping
  }

  private async sendStop(lease: Lease, reason: string): Promise<void> {
    const context = { sessionId: lease.sessionId, clientId: lease.clientId, kind: lease.kind, reason }
    try {
      const { url, init } = await this.stopRequest(lease)
      const response = await this.fetchImpl(url, {
        ...init,
        method: 'POST',
        redirect: 'error',
        signal: AbortSignal.timeout(STOP_TIMEOUT_MS),
      })
      this.log.info(response.ok ? 'orphan session stopped' : 'orphan session stop refused', {
        ...context,
        status: response.status,
      })
    } catch (error) {
      this.log.warn('orphan session stop failed', { ...context, error: (error as Error).name })
    }
  }

  /** Leases the page never reported: a LiveAvatar one is a token never started (billing starts at /start). */
  private forgetStaleLeases(): void {
    const cutoff = this.now() - UNUSED_LEASE_TTL_MS
    for (const [id, lease] of this.leases) {
      if (!lease.reported && lease.issuedAt < cutoff) this.leases.delete(id)
    }
  }
}
