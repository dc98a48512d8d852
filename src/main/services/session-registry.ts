import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LiveAvatarMode, ProviderKind } from '../../shared/settings/schema'
import type { Logger } from './logger'
import type { LedgerEntry, SessionLedger } from './session-ledger'
import { assertSecureProviderUrl } from './providers/provider-errors'

const STOP_TIMEOUT_MS = 5_000
/** A lease nobody reported a session for is forgotten after this: its token was used or has expired. */
const UNUSED_LEASE_TTL_MS = 10 * 60_000
/**
 * A session minted longer ago than this has ended on its own, however long the kiosk kept it alive before it
 * died: the longest duration limit a token may ask for (a day, as the settings allow) plus the longest idle
 * timeout (an hour). Age alone says nothing sooner, since the ledger does not know the last keep-alive.
 */
const LONGEST_SESSION_LIFE_MS = 25 * 60 * 60_000

/** How the start-up sweep retries while the network is down: doubling delays, then it gives up. */
export interface LeftoverRetryPolicy {
  firstDelayMs: number
  maxDelayMs: number
  giveUpAfterMs: number
}

const DEFAULT_LEFTOVER_RETRY: LeftoverRetryPolicy = {
  firstDelayMs: 2_000,
  maxDelayMs: 60_000,
  giveUpAfterMs: 30 * 60_000,
}

/** What the start-up sweep did with the sessions the last run left listed. */
export interface LeftoverSweep {
  /** The provider confirmed the stop. */
  stopped: number
  /** The provider answered but refused (already ended, unknown, or the key changed): nothing more to try. */
  refused: number
  /** Dropped without a call: sandbox sessions, legacy tokens never reported, and entries too old to matter. */
  skipped: number
  /** Still unreachable when the retries ran out; left listed for the next start. */
  givenUp: number
}

/** `failed`: no answer, or one worth retrying (5xx, 408, 429); the session may still be open. */
type StopOutcome = 'stopped' | 'refused' | 'failed'

const STOP_MESSAGES: Record<StopOutcome, string> = {
  stopped: 'orphan session stopped',
  refused: 'orphan session stop refused',
  failed: 'orphan session stop failed',
}

/** What main needs to stop a session it minted a token for. */
export interface LeaseTarget {
  kind: ProviderKind
  baseUrl: string
  token: string
  /** Minted against the built-in sandbox, so stopped with the sandbox's key. */
  sandbox: boolean
  /** LiveAvatar names the session when the token is minted; the legacy API only when the page reports it. */
  sessionId?: string
  /** LiveAvatar's FULL or LITE, for what the session costs (the usage ledger); never written to the ledger. */
  mode?: LiveAvatarMode
}

/**
 * Told when a session starts (the page reports it started) and when its count ends: the page stopped it or
 * gave it up, or main stopped it (page gone, shutdown). Ids are lease ids. For the usage ledger.
 */
export interface SessionObserver {
  sessionStarted(leaseId: string, session: Pick<LeaseTarget, 'kind' | 'mode' | 'sandbox'>): void
  sessionEnded(leaseId: string, endedBy: 'stopped' | 'abandoned' | 'main'): void
}

interface Lease extends LeaseTarget {
  /** The id it is issued and listed in the ledger under. */
  id: string
  clientId: string
  issuedAt: number
  /** The page said it started the session. */
  reported: boolean
}

/** A session to stop: a live lease, or a ledger entry the last run left (which has no client). */
interface StopTarget extends LeaseTarget {
  id: string
  clientId?: string
}

export interface SessionRegistryOptions {
  /** The API key a LiveAvatar stop is sent with (the sandbox's or the stored one), never kept here. */
  apiKeyFor?: (sandbox: boolean) => Promise<string | undefined>
  /** Where sessions are listed on disk until stopped; without one, they are known only in memory. */
  ledger?: SessionLedger
  leftoverRetry?: LeftoverRetryPolicy
  fetchImpl?: typeof fetch
  now?: () => number
  observer?: SessionObserver
}

/**
 * Every provider session costs money while it is open, so main remembers each one it minted a token for, and
 * stops it when its page can no longer do so: the renderer crashed or reloaded, the window closed, the web page
 * went away, or the app is quitting. Only sessions this kiosk started: nothing is listed from the provider.
 */
export class SessionRegistry {
  private readonly leases = new Map<string, Lease>()
  /** Stops already on their way (a page that went away): shutdown must wait for them, or they die with us. */
  private readonly stopsInFlight = new Set<Promise<StopOutcome>>()
  private readonly apiKeyFor: (sandbox: boolean) => Promise<string | undefined>
  private readonly ledger: SessionLedger | undefined
  private readonly leftoverRetry: LeftoverRetryPolicy
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number
  private readonly observer: SessionObserver | undefined
  private leftovers: (StopTarget & { recordedAt: number })[] = []
  /** Ends the start-up sweep's retries at shutdown: what is still listed waits for the next start. */
  private readonly sweepAbort = new AbortController()

  constructor(
    private readonly log: Logger,
    options: SessionRegistryOptions = {},
  ) {
    this.apiKeyFor = options.apiKeyFor ?? (async () => undefined)
    this.ledger = options.ledger
    this.leftoverRetry = options.leftoverRetry ?? DEFAULT_LEFTOVER_RETRY
    this.fetchImpl = options.fetchImpl ?? fetch
    this.now = options.now ?? Date.now
    this.observer = options.observer
  }

  /**
   * Reads the sessions the last run left listed (it crashed, was killed, or lost power). Call before the first
   * `issue`, then `stopLeftovers`. Returns how many are listed.
   */
  async loadLedger(): Promise<number> {
    const listed = (await this.ledger?.load()) ?? new Map<string, LedgerEntry>()
    this.leftovers = [...listed].map(([id, entry]) => ({ id, ...entry }))
    return this.leftovers.length
  }

  /**
   * Stops every session the last run left listed, and only those (one key often serves a whole fleet), with
   * the API key from the secret store. While the network is down it retries with growing delays until the
   * retry policy gives up; the promise resolves then, or once every entry is settled, and logs
   * "leftover sessions swept".
   */
  async stopLeftovers(): Promise<LeftoverSweep> {
    const sweep: LeftoverSweep = { stopped: 0, refused: 0, skipped: 0, givenUp: 0 }
    const tooOld = this.now() - LONGEST_SESSION_LIFE_MS
    let pending: StopTarget[] = []
    for (const entry of this.leftovers.splice(0)) {
      // The embedded sandbox died with the process that ran it; a legacy token never reported names no
      // session that could be stopped without listing everything the key has open.
      if (entry.sandbox || entry.sessionId === undefined || entry.recordedAt < tooOld) {
        sweep.skipped += 1
        void this.ledger?.forget(entry.id)
      } else pending.push(entry)
    }
    const giveUpAt = this.now() + this.leftoverRetry.giveUpAfterMs
    let delay = this.leftoverRetry.firstDelayMs
    while (pending.length > 0) {
      const outcomes = await Promise.all(
        pending.map((entry) => this.stopSession(entry, 'left open by the last run')),
      )
      const failed: StopTarget[] = []
      outcomes.forEach((outcome, index) => {
        if (outcome === 'failed') failed.push(pending[index] as StopTarget)
        else sweep[outcome] += 1
      })
      pending = failed
      if (pending.length === 0) break
      if (this.now() + delay > giveUpAt || !(await this.waitBeforeRetry(delay))) {
        sweep.givenUp = pending.length
        break
      }
      delay = Math.min(delay * 2, this.leftoverRetry.maxDelayMs)
    }
    await this.ledger?.flush()
    this.log.info('leftover sessions swept', { ...sweep })
    return sweep
  }

  /**
   * Lists the lease in the ledger before returning it, so the session its token starts is on disk before it
   * exists at the provider.
   */
  async issue(clientId: string, target: LeaseTarget): Promise<string> {
    this.forgetStaleLeases()
    const id = randomUUID()
    const issuedAt = this.now()
    this.leases.set(id, { ...target, id, clientId, issuedAt, reported: false })
    await this.ledger?.record(id, ledgerEntry(target, issuedAt))
    return id
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
    if (lease.sessionId === undefined) {
      lease.sessionId = sessionId
      // A legacy session becomes stoppable after a crash only once its id is on disk.
      void this.ledger?.record(leaseId, ledgerEntry(lease, lease.issuedAt))
    } else if (lease.sessionId !== sessionId) {
      this.log.warn('session report names another session than the one minted', { clientId, state })
    }
    // A lease still listed and reported has had its 'started': any other report removes it.
    const wasStarted = lease.reported
    lease.reported = true
    if (state === 'started') {
      if (!wasStarted) this.observer?.sessionStarted(leaseId, lease)
      return
    }
    this.leases.delete(leaseId)
    if (wasStarted) this.observer?.sessionEnded(leaseId, state)
    if (state === 'abandoned') void this.stopSession(lease, 'abandoned by the page')
    else void this.ledger?.forget(leaseId)
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

  /**
   * Shutdown: stops every open session, and ends the start-up sweep's retries (what it has not reached stays
   * listed for the next start). Resolves once the ledger is written.
   */
  async stopAll(reason: string): Promise<number> {
    this.sweepAbort.abort()
    const stopped = await this.stopWhere(() => true, reason)
    await Promise.all([...this.stopsInFlight])
    await this.ledger?.flush()
    return stopped
  }

  private async stopWhere(match: (lease: Lease) => boolean, reason: string): Promise<number> {
    const orphans = [...this.leases.values()].filter(match)
    for (const lease of orphans) {
      this.leases.delete(lease.id)
      if (lease.reported) this.observer?.sessionEnded(lease.id, 'main')
    }
    const open = orphans.filter((lease) => lease.sessionId !== undefined)
    // A legacy token the page never reported names no session to stop: nothing is left to list.
    for (const lease of orphans) if (lease.sessionId === undefined) void this.ledger?.forget(lease.id)
    await Promise.all(open.map((lease) => this.stopSession(lease, reason)))
    return open.length
  }

  private async stopRequest(lease: StopTarget): Promise<{ url: string; init: RequestInit }> {
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

  /**
   * Sends the stop and settles the ledger: an answered stop is forgotten, an unanswered one stays listed so
   * the next start tries again.
   */
  private stopSession(target: StopTarget, reason: string): Promise<StopOutcome> {
    const stopping = this.sendStop(target, reason).then(async (outcome) => {
      if (outcome !== 'failed') await this.ledger?.forget(target.id)
      return outcome
    })
    this.stopsInFlight.add(stopping)
    void stopping.finally(() => this.stopsInFlight.delete(stopping))
    return stopping
  }

  private async sendStop(target: StopTarget, reason: string): Promise<StopOutcome> {
    const context = { sessionId: target.sessionId, clientId: target.clientId, kind: target.kind, reason }
    try {
      const { url, init } = await this.stopRequest(target)
      // A lease listed before the https rule (or a hand-edited ledger) must not carry the key off this computer.
      assertSecureProviderUrl(url)
      const response = await this.fetchImpl(url, {
        ...init,
        method: 'POST',
        redirect: 'error',
        signal: AbortSignal.timeout(STOP_TIMEOUT_MS),
      })
      // Only the body's arrival ends the exchange; nothing in it changes the outcome.
      await response.arrayBuffer().catch(() => undefined)
      const outcome = stopOutcome(response.status)
      this.log[outcome === 'failed' ? 'warn' : 'info'](STOP_MESSAGES[outcome], {
        ...context,
        status: response.status,
      })
      return outcome
    } catch (error) {
      this.log.warn('orphan session stop failed', { ...context, error: (error as Error).name })
      return 'failed'
    }
  }

  /** False when shutdown ended the wait. */
  private async waitBeforeRetry(delayMs: number): Promise<boolean> {
    try {
      await sleep(delayMs, undefined, { signal: this.sweepAbort.signal, ref: false })
      return true
    } catch {
      return false
    }
  }

  /** Leases the page never reported: a LiveAvatar one is a token never started (billing starts at /start). */
  private forgetStaleLeases(): void {
    const cutoff = this.now() - UNUSED_LEASE_TTL_MS
    for (const [id, lease] of this.leases) {
      if (!lease.reported && lease.issuedAt < cutoff) {
        this.leases.delete(id)
        void this.ledger?.forget(id)
      }
    }
  }
}

function ledgerEntry(target: LeaseTarget, recordedAt: number): LedgerEntry {
  const { kind, baseUrl, token, sandbox, sessionId } = target
  return { kind, baseUrl, token, sandbox, ...(sessionId !== undefined ? { sessionId } : {}), recordedAt }
}

/** 408 and 429 ask to come back later, a 5xx may be passing; any other answer is final. */
function stopOutcome(status: number): StopOutcome {
  if (status >= 200 && status < 300) return 'stopped'
  if (status === 408 || status === 429 || status >= 500) return 'failed'
  return 'refused'
}
