import type { SessionToken } from '../../../shared/contract'
import { BridgeError } from '../../../shared/result'
import type {
  AvatarProvider,
  AvatarSession,
  AvatarSessionEvent,
  AvatarSessionEvents,
  AvatarStartOptions,
} from '../provider/avatar-provider'
import type { Log } from '../log'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff'

export type SessionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'failed'

/** Every transition the controller may make; anything else is a bug and throws. */
const TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  idle: ['connecting', 'idle'],
  connecting: ['live', 'reconnecting', 'failed', 'idle'],
  live: ['reconnecting', 'idle'],
  reconnecting: ['live', 'reconnecting', 'failed', 'idle'],
  failed: ['live', 'failed', 'idle'],
}

export interface SessionSnapshot {
  state: SessionState
  sessionId?: string
  /** Why the controller is in this state: the trigger of a reconnect, or the failure. */
  reason: string
  /** Consecutive failed attempts. */
  failures: number
  /** When the next attempt starts (epoch ms), while waiting between attempts. */
  retryAt?: number
  /** Waiting for the network to come back before trying again. */
  offline: boolean
  /** A short message a visitor or operator can read. */
  message?: string
}

export interface SessionPolicy {
  backoff: BackoffOptions
  /** After this many failures in a row the "We'll be right back" screen shows (retries continue). */
  failedAfterFailures: number
  startTimeoutMs: number
  stopTimeoutMs: number
  /** `keepAlive()` at most this often while a visitor is engaged. */
  keepAliveIntervalMs: number
  /** How long before the provider's duration limit a rotation is due. */
  rotationLeadMs(limitMs: number): number
  /** The last moment (before the limit) to rotate even while the avatar is speaking. */
  rotationDeadlineMs: number
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  backoff: DEFAULT_BACKOFF,
  failedAfterFailures: 3,
  startTimeoutMs: 30_000,
  stopTimeoutMs: 3_000,
  keepAliveIntervalMs: 30_000,
  rotationLeadMs: (limitMs) => Math.min(60_000, Math.max(3_000, limitMs * 0.25)),
  rotationDeadlineMs: 1_500,
}

export interface NetworkStatus {
  online(): boolean
  subscribe(listener: (online: boolean) => void): () => void
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  now(): number
}

export interface SessionControllerDeps {
  mintToken(): Promise<SessionToken>
  provider: AvatarProvider
  startOptions(): AvatarStartOptions
  /** Tells main which session belongs to which token lease, so it can stop orphans. */
  reportSession(lease: string, sessionId: string, state: 'started' | 'stopped' | 'abandoned'): void
  log: Log
  network: NetworkStatus
  timers?: Timers
  random?: () => number
  policy?: Partial<SessionPolicy>
}

type SessionEventListener = <Name extends AvatarSessionEvent>(
  name: Name,
  payload: AvatarSessionEvents[Name],
) => void

interface CurrentSession {
  session: AvatarSession
  lease: string
  detach: (() => void)[]
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
}

const FORWARDED_EVENTS: readonly AvatarSessionEvent[] = [
  'avatarStartTalking',
  'avatarStopTalking',
  'avatarTalkingMessage',
  'avatarEndMessage',
  'userStart',
  'userStop',
  'userTalkingMessage',
  'userEndMessage',
  'connectionQuality',
]

function describe(error: unknown): { code: string; message: string; retryAfterMs?: number } {
  if (error instanceof BridgeError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}),
    }
  }
  if (error instanceof Error) return { code: error.name || 'Error', message: error.message }
  return { code: 'unknown', message: String(error) }
}

/**
 * The session state machine: at most one provider session at a time, reconnection with backoff on every kind
 * of drop, keep-alive while a visitor is engaged, rotation before the provider's duration limit, and every
 * session stopped (or handed to main to stop) on every path.
 */
export class SessionController {
  private snapshotValue: SessionSnapshot = {
    state: 'idle',
    reason: 'not started',
    failures: 0,
    offline: false,
  }
  private readonly listeners = new Set<(snapshot: SessionSnapshot) => void>()
  private readonly eventListeners = new Set<SessionEventListener>()
  private readonly policy: SessionPolicy
  private readonly timers: Timers
  private readonly random: () => number
  private generation = 0
  private current: CurrentSession | undefined
  private retryTimer: unknown
  private rotationTimer: unknown
  private rotationDeadlineTimer: unknown
  private rotationPending = false
  private avatarTalking = false
  private lastKeepAliveAt = 0
  private waitingForNetwork = false
  private readonly stopsInFlight = new Set<Promise<void>>()
  private readonly unsubscribeNetwork: () => void

  constructor(private readonly deps: SessionControllerDeps) {
    this.policy = { ...DEFAULT_SESSION_POLICY, ...deps.policy }
    this.timers = deps.timers ?? realTimers
    this.random = deps.random ?? Math.random
    this.unsubscribeNetwork = deps.network.subscribe((online) => this.onNetworkChange(online))
  }

  get snapshot(): SessionSnapshot {
    return this.snapshotValue
  }

  /** The live session, for speaking and voice chat. Undefined while not live. */
  get session(): AvatarSession | undefined {
    return this.snapshotValue.state === 'live' ? this.current?.session : undefined
  }

  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.listeners.add(listener)
    listener(this.snapshotValue)
    return () => this.listeners.delete(listener)
  }

  /** Session events (talking, captions, quality) from whichever session is current. */
  onSessionEvent(listener: SessionEventListener): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  start(reason = 'start'): void {
    if (this.snapshotValue.state !== 'idle') return
    this.transition({ state: 'connecting', reason, failures: 0, offline: false })
    void this.connect(reason)
  }

  /** Stops the session and stays idle until `start()`. */
  async stop(reason = 'stop'): Promise<void> {
    this.generation += 1
    this.clearTimers()
    this.transition({ state: 'idle', reason, failures: 0, offline: false })
    await this.releaseCurrent(reason)
  }

  /** A settings change: a clean stop, then a fresh session with the new settings. */
  async restart(reason = 'settings changed'): Promise<void> {
    await this.stop(reason)
    this.start(reason)
  }

  /** A problem the controller cannot see itself, e.g. the video watchdog saw no new frames. */
  reportProblem(reason: string): void {
    if (this.snapshotValue.state !== 'live') return
    this.reconnect(reason)
  }

  /** A visitor is engaged: keep the provider's idle timer from closing the session. */
  noteVisitorActivity(): void {
    const session = this.session
    const now = this.timers.now()
    if (!session || now - this.lastKeepAliveAt < this.policy.keepAliveIntervalMs) return
    this.lastKeepAliveAt = now
    session
      .keepAlive()
      .catch((error: unknown) =>
        this.deps.log('warn', 'keep-alive failed', { error: describe(error).message }),
      )
  }

  dispose(): Promise<void> {
    this.unsubscribeNetwork()
    return this.stop('disposed')
  }

  private transition(next: SessionSnapshot): void {
    const from = this.snapshotValue.state
    if (!TRANSITIONS[from].includes(next.state)) {
      throw new Error(`Invalid session transition ${from} → ${next.state}`)
    }
    this.snapshotValue = next
    if (from !== next.state || next.state !== 'live') {
      this.deps.log('info', `session ${from} → ${next.state}`, {
        reason: next.reason,
        failures: next.failures,
        sessionId: next.sessionId ?? null,
        retryInMs: next.retryAt !== undefined ? Math.max(0, next.retryAt - this.timers.now()) : null,
        offline: next.offline,
      })
    }
    for (const listener of this.listeners) listener(next)
  }

  private reconnect(reason: string): void {
    this.transition({ state: 'reconnecting', reason, failures: 0, offline: false })
    void this.connect(reason)
  }

  private async connect(reason: string): Promise<void> {
    const generation = ++this.generation
    const stale = () => generation !== this.generation
    this.clearTimers()
    await this.releaseCurrent(reason)
    if (stale()) return
    if (!this.deps.network.online()) return this.waitForNetwork()
    this.waitingForNetwork = false

    let token: SessionToken
    try {
      token = await this.deps.mintToken()
    } catch (error) {
      if (!stale()) this.onAttemptFailed(error)
      return
    }
    if (stale()) return

    const abort = new AbortController()
    let createdId: string | undefined
    let createdAt: number | undefined
    let stoppedByProvider = false
    let started: Promise<AvatarSession>
    try {
      // Inside the try: bad settings here are a failed attempt the screen shows, not an unhandled rejection.
      started = this.deps.provider.start(token, this.deps.startOptions(), {
        signal: abort.signal,
        onSessionCreated: (sessionId) => {
          createdId = sessionId
          createdAt = this.timers.now()
          this.deps.reportSession(token.lease, sessionId, 'started')
        },
        onSessionStopped: () => {
          stoppedByProvider = true
        },
      })
    } catch (error) {
      if (!stale()) this.onAttemptFailed(error)
      return
    }
    let timeout: unknown
    const timedOut = new Promise<never>((_resolve, reject) => {
      timeout = this.timers.setTimeout(() => {
        abort.abort()
        reject(new Error(`The avatar did not start within ${this.policy.startTimeoutMs / 1000} s`))
      }, this.policy.startTimeoutMs)
    })
    try {
      const session = await Promise.race([started, timedOut])
      this.timers.clearTimeout(timeout)
      if (stale()) {
        void this.disposeSession({ session, lease: token.lease, detach: [] }, 'superseded')
        return
      }
      this.adopt(session, token.lease, createdAt)
    } catch (error) {
      this.timers.clearTimeout(timeout)
      // A start that failed after the provider created the session, or finished after we gave up, must not
      // leave a paid session open: stop it, or have main stop it with the token it kept.
      started.then(
        (late) => this.disposeSession({ session: late, lease: token.lease, detach: [] }, 'late start'),
        () => {
          // The provider stops what it created when a start fails or is abandoned; only a stop it could not
          // confirm is main's to finish.
          if (createdId !== undefined)
            this.deps.reportSession(token.lease, createdId, stoppedByProvider ? 'stopped' : 'abandoned')
        },
      )
      if (!stale()) this.onAttemptFailed(error)
    }
  }

  /** `createdAt`: when the provider created the session, which is when its duration limit started counting. */
  private adopt(session: AvatarSession, lease: string, createdAt = this.timers.now()): void {
    const detach = [session.on('dropped', ({ reason }) => this.onDropped(session, reason))]
    for (const name of FORWARDED_EVENTS) {
      detach.push(session.on(name, (payload) => this.forward(name, payload)))
    }
    this.current = { session, lease, detach }
    this.waitingForNetwork = false
    this.avatarTalking = false
    this.rotationPending = false
    this.lastKeepAliveAt = this.timers.now()
    this.transition({
      state: 'live',
      sessionId: session.id,
      reason: 'stream ready',
      failures: 0,
      offline: false,
    })
    this.scheduleRotation(session, this.timers.now() - createdAt)
  }

  private forward<Name extends AvatarSessionEvent>(name: Name, payload: AvatarSessionEvents[Name]): void {
    if (name === 'avatarStartTalking') this.avatarTalking = true
    if (name === 'avatarStopTalking') {
      this.avatarTalking = false
      if (this.rotationPending) this.rotate('duration limit (quiet moment)')
    }
    if (name === 'userStart' || name === 'userTalkingMessage') this.noteVisitorActivity()
    for (const listener of this.eventListeners) listener(name, payload)
  }

  private onDropped(session: AvatarSession, reason: string): void {
    if (this.current?.session !== session || this.snapshotValue.state !== 'live') return
    this.reconnect(reason)
  }

  private onAttemptFailed(error: unknown): void {
    const failure = describe(error)
    const failures = this.snapshotValue.failures + 1
    this.deps.log('warn', 'session attempt failed', { code: failure.code, error: failure.message, failures })
    if (failure.code === 'not-configured') {
      this.transition({
        state: 'idle',
        reason: 'not-configured',
        failures: 0,
        offline: false,
        message: failure.message,
      })
      return
    }
    const delay = Math.max(
      backoffDelay(failures, this.policy.backoff, this.random),
      failure.retryAfterMs ?? 0,
    )
    const state = failures >= this.policy.failedAfterFailures ? 'failed' : 'reconnecting'
    this.transition({
      state,
      reason: failure.code,
      failures,
      offline: false,
      retryAt: this.timers.now() + delay,
      message: failure.message,
    })
    this.retryTimer = this.timers.setTimeout(() => void this.connect('retry'), delay)
  }

  /** No retries are spent while the network is down; the "online" event brings the next one forward. */
  private waitForNetwork(): void {
    this.waitingForNetwork = true
    this.transition({ ...this.snapshotValue, state: this.waitingState(), offline: true, retryAt: undefined })
  }

  private waitingState(): SessionState {
    return this.snapshotValue.state === 'failed' ? 'failed' : 'reconnecting'
  }

  private onNetworkChange(online: boolean): void {
    const state = this.snapshotValue.state
    if (state === 'idle' || state === 'live') return
    if (!online) {
      this.timers.clearTimeout(this.retryTimer)
      return this.waitForNetwork()
    }
    if (this.waitingForNetwork) {
      this.waitingForNetwork = false
      this.transition({ ...this.snapshotValue, state: this.waitingState(), offline: false })
      void this.connect('network back')
    }
  }

  /** `elapsedMs`: how much of the limit the start-up already used (LiveAvatar's can take seconds). */
  private scheduleRotation(session: AvatarSession, elapsedMs: number): void {
    const limit = session.durationLimitMs
    if (limit === undefined || limit <= 0) return
    const dueIn = Math.max(0, limit - this.policy.rotationLeadMs(limit) - elapsedMs)
    const deadlineIn = Math.max(dueIn, limit - this.policy.rotationDeadlineMs - elapsedMs)
    this.rotationTimer = this.timers.setTimeout(() => {
      if (this.avatarTalking) this.rotationPending = true
      else this.rotate('duration limit')
    }, dueIn)
    this.rotationDeadlineTimer = this.timers.setTimeout(
      () => this.rotate('duration limit (deadline)'),
      deadlineIn,
    )
  }

  /** A planned hand-over to a fresh session before the provider cuts this one off. */
  private rotate(reason: string): void {
    if (this.snapshotValue.state !== 'live') return
    this.rotationPending = false
    this.reconnect(`rotation: ${reason}`)
  }

  private clearTimers(): void {
    for (const timer of [this.retryTimer, this.rotationTimer, this.rotationDeadlineTimer])
      this.timers.clearTimeout(timer)
    this.retryTimer = this.rotationTimer = this.rotationDeadlineTimer = undefined
    this.rotationPending = false
  }

  /**
   * Resolves only when every stop in flight has finished, not just this caller's: a second `stop()` (or the
   * next attempt) must not go on while the provider may still be ending the previous session.
   */
  private async releaseCurrent(reason: string): Promise<void> {
    const current = this.current
    this.current = undefined
    if (current) void this.disposeSession(current, reason)
    await Promise.all(this.stopsInFlight)
  }

  private disposeSession(current: CurrentSession, reason: string): Promise<void> {
    const stopping = this.stopAndReport(current, reason).finally(() => this.stopsInFlight.delete(stopping))
    this.stopsInFlight.add(stopping)
    return stopping
  }

  /** Stops a session with a time limit; if that fails, main stops it with the token it kept. */
  private async stopAndReport(current: CurrentSession, reason: string): Promise<void> {
    for (const detach of current.detach) detach()
    const { session, lease } = current
    let timer: unknown
    const stopped = await Promise.race([
      session.stop().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = this.timers.setTimeout(() => resolve(false), this.policy.stopTimeoutMs)
      }),
    ])
    this.timers.clearTimeout(timer)
    this.deps.reportSession(lease, session.id, stopped ? 'stopped' : 'abandoned')
    this.deps.log(
      stopped ? 'info' : 'warn',
      stopped ? 'session stopped' : 'session stop failed; main will stop it',
      {
        sessionId: session.id,
        reason,
      },
    )
  }
}
