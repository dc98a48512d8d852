import { randomUUID } from 'node:crypto'
import type { Logger } from './logger'

const STOP_TIMEOUT_MS = 5_000
/** A lease nobody reported a session for is forgotten after this: its token was used or has expired. */
const UNUSED_LEASE_TTL_MS = 10 * 60_000

interface Lease {
  clientId: string
  baseUrl: string
  token: string
  issuedAt: number
  sessionId?: string
}

/**
 * Every provider session costs money while it is open, so main remembers each one it minted a token for, and
 * stops it with `streaming.stop` when its page can no longer do so: the renderer crashed or reloaded, the
 * window closed, the web page went away, or the app is quitting.
 */
export class SessionRegistry {
  private readonly leases = new Map<string, Lease>()

  constructor(
    private readonly log: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  issue(clientId: string, baseUrl: string, token: string): string {
    this.forgetStaleLeases()
    const lease = randomUUID()
    this.leases.set(lease, { clientId, baseUrl, token, issuedAt: this.now() })
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
    lease.sessionId = sessionId
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
    return this.stopWhere(() => true, reason)
  }

  private async stopWhere(match: (lease: Lease) => boolean, reason: string): Promise<number> {
    const orphans = [...this.leases.entries()].filter(([, lease]) => match(lease))
    for (const [id] of orphans) this.leases.delete(id)
    const open = orphans.filter(([, lease]) => lease.sessionId !== undefined)
    await Promise.all(open.map(([, lease]) => this.stopSession(lease, reason)))
    return open.length
  }

  private async stopSession(lease: Lease, reason: string): Promise<void> {
    const context = { sessionId: lease.sessionId, clientId: lease.clientId, reason }
    try {
      const response = await this.fetchImpl(`${lease.baseUrl}/v1/streaming.stop`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${lease.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ session_id: lease.sessionId }),
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

  private forgetStaleLeases(): void {
    const cutoff = this.now() - UNUSED_LEASE_TTL_MS
    for (const [id, lease] of this.leases) {
      if (lease.sessionId === undefined && lease.issuedAt < cutoff) this.leases.delete(id)
    }
  }
}
