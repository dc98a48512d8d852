import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionToken } from '../../../src/shared/contract'
import { BridgeError } from '../../../src/shared/result'
import type {
  AvatarProvider,
  AvatarSession,
  AvatarSessionEvent,
  AvatarSessionEvents,
  AvatarStartHooks,
  AvatarStartOptions,
} from '../../../src/renderer/src/provider/avatar-provider'
import {
  SessionController,
  type SessionSnapshot,
  type SessionState,
} from '../../../src/renderer/src/session/session-controller'

class FakeSession implements AvatarSession {
  readonly stream = {} as MediaStream
  readonly capabilities = { speaksText: true, speaksAudio: false, voiceChat: true }
  stopCalls = 0
  keepAliveCalls = 0
  stopBehaviour: 'ok' | 'fail' | 'hang' | 'manual' = 'ok'
  /** With `manual`: ends the stop in progress. */
  finishStop: (() => void) | undefined
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()

  constructor(
    readonly id: string,
    readonly durationLimitMs: number | undefined,
    private readonly onStop: (session: FakeSession) => void,
  ) {}

  on<Name extends AvatarSessionEvent>(name: Name, listener: (payload: AvatarSessionEvents[Name]) => void) {
    const set = this.listeners.get(name) ?? new Set()
    set.add(listener as (payload: unknown) => void)
    this.listeners.set(name, set)
    return () => set.delete(listener as (payload: unknown) => void)
  }

  emit<Name extends AvatarSessionEvent>(name: Name, payload: AvatarSessionEvents[Name]) {
    for (const listener of this.listeners.get(name) ?? []) listener(payload)
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0)
  }

  async speak() {}
  async speakAudio() {}
  async interrupt() {}
  async keepAlive() {
    this.keepAliveCalls += 1
  }
  async startVoiceChat() {}
  async closeVoiceChat() {}
  setMicrophoneMuted() {}
  async pushToTalk() {}
  stop(): Promise<void> {
    this.stopCalls += 1
    if (this.stopBehaviour === 'hang') return new Promise(() => undefined)
    if (this.stopBehaviour === 'fail') return Promise.reject(new Error('stop failed'))
    if (this.stopBehaviour === 'manual')
      return new Promise((resolve) => {
        this.finishStop = () => {
          this.onStop(this)
          resolve()
        }
      })
    this.onStop(this)
    return Promise.resolve()
  }
}

/** `stopOnAbort`: hangs until the controller gives up, then stops what it created (as the real providers do). */
type Outcome = 'ok' | 'hang' | Error | { createThenFail: Error } | { stopOnAbort: 'ok' | 'fail' }

/** A provider whose starts succeed, fail or hang as the test scripts them, and which counts open sessions. */
class FakeProvider implements AvatarProvider {
  outcomes: Outcome[] = []
  durationLimitMs: number | undefined
  sessions: FakeSession[] = []
  open = new Set<string>()
  maxOpen = 0
  hooks: AvatarStartHooks[] = []
  pendingHang: ((session: FakeSession) => void) | undefined
  private counter = 0

  start(_token: SessionToken, _options: AvatarStartOptions, hooks: AvatarStartHooks): Promise<AvatarSession> {
    this.hooks.push(hooks)
    const outcome = this.outcomes.shift() ?? 'ok'
    if (outcome instanceof Error) return Promise.reject(outcome)
    const session = this.create(hooks)
    if (typeof outcome === 'object' && 'stopOnAbort' in outcome) {
      session.stopBehaviour = outcome.stopOnAbort
      return new Promise((_resolve, reject) => {
        hooks.signal.addEventListener('abort', () => {
          // Rejects only after the stop settled, as the providers' `await session.stop()` before rethrowing.
          void session
            .stop()
            .then(
              () => hooks.onSessionStopped?.(session.id),
              () => undefined,
            )
            .then(() => reject(new DOMException('abandoned', 'AbortError')))
        })
      })
    }
    if (typeof outcome === 'object') {
      this.open.delete(session.id)
      return Promise.reject(outcome.createThenFail)
    }
    if (outcome === 'hang') {
      return new Promise((resolve) => {
        this.pendingHang = resolve
      })
    }
    return Promise.resolve(session)
  }

  private create(hooks: AvatarStartHooks): FakeSession {
    this.counter += 1
    const session = new FakeSession(`S${this.counter}`, this.durationLimitMs, (stopped) =>
      this.open.delete(stopped.id),
    )
    this.sessions.push(session)
    this.open.add(session.id)
    this.maxOpen = Math.max(this.maxOpen, this.open.size)
    hooks.onSessionCreated(session.id)
    return session
  }

  get last(): FakeSession {
    const session = this.sessions.at(-1)
    if (!session) throw new Error('no session yet')
    return session
  }
}

class FakeNetwork {
  isOnline = true
  private readonly listeners = new Set<(online: boolean) => void>()
  online = () => this.isOnline
  subscribe = (listener: (online: boolean) => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  set(online: boolean) {
    this.isOnline = online
    for (const listener of this.listeners) listener(online)
  }
}

const OPTIONS: AvatarStartOptions = {
  avatarName: 'A',
  quality: 'low',
  voiceChatTransport: 'websocket',
  activityIdleTimeout: 120,
  useSilencePrompt: false,
  enablePushToTalk: false,
}

describe('SessionController', () => {
  let provider: FakeProvider
  let network: FakeNetwork
  let reports: { lease: string; sessionId: string; state: string }[]
  let states: SessionState[]
  let mintToken: ReturnType<typeof vi.fn<() => Promise<SessionToken>>>
  let controller: SessionController
  let leaseCounter: number
  let startOptions: ReturnType<typeof vi.fn<() => AvatarStartOptions>>

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
    provider = new FakeProvider()
    network = new FakeNetwork()
    reports = []
    states = []
    leaseCounter = 0
    mintToken = vi.fn(async () => {
      leaseCounter += 1
      return {
        token: `t${leaseCounter}`,
        baseUrl: 'http://127.0.0.1:1',
        sandbox: true,
        kind: 'heygen' as const,
        lease: `L${leaseCounter}`,
      }
    })
    startOptions = vi.fn(() => OPTIONS)
    controller = new SessionController({
      mintToken,
      provider,
      startOptions,
      reportSession: (lease, sessionId, state) => reports.push({ lease, sessionId, state }),
      log: () => undefined,
      network,
      random: () => 0.5,
    })
    controller.subscribe((snapshot: SessionSnapshot) => {
      if (states.at(-1) !== snapshot.state) states.push(snapshot.state)
    })
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  const settle = () => vi.advanceTimersByTimeAsync(0)

  it('starts: connecting, then live on a session main knows about', async () => {
    controller.start()
    expect(controller.snapshot.state).toBe('connecting')
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S1', failures: 0 })
    expect(controller.session).toBe(provider.last)
    expect(reports).toEqual([{ lease: 'L1', sessionId: 'S1', state: 'started' }])
    expect(states).toEqual(['idle', 'connecting', 'live'])
  })

  it('reconnects at once on a drop, with a fresh token, after stopping the old session', async () => {
    controller.start()
    await settle()
    const first = provider.last
    first.emit('dropped', { reason: 'leave' })
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', reason: 'leave' })
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
    expect(first.stopCalls).toBe(1)
    expect(first.listenerCount()).toBe(0)
    expect(mintToken).toHaveBeenCalledTimes(2)
    expect(provider.maxOpen).toBe(1)
    expect(reports).toContainEqual({ lease: 'L1', sessionId: 'S1', state: 'stopped' })
    // A late drop event from the old session is ignored.
    first.emit('dropped', { reason: 'late' })
    expect(controller.snapshot.state).toBe('live')
  })

  it('shows failed after three failures in a row, keeps retrying with growing delays, then recovers', async () => {
    provider.outcomes = [new Error('500'), new Error('500'), new Error('500'), new Error('500')]
    controller.start()
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', failures: 1 })
    expect((controller.snapshot.retryAt ?? 0) - Date.now()).toBe(1000)
    await vi.advanceTimersByTimeAsync(1000)
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', failures: 2 })
    expect((controller.snapshot.retryAt ?? 0) - Date.now()).toBe(2000)
    await vi.advanceTimersByTimeAsync(1999)
    expect(provider.hooks).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.snapshot).toMatchObject({ state: 'failed', failures: 3, message: '500' })
    await vi.advanceTimersByTimeAsync(4000)
    expect(controller.snapshot).toMatchObject({ state: 'failed', failures: 4 })
    await vi.advanceTimersByTimeAsync(8000)
    expect(controller.snapshot).toMatchObject({ state: 'live', failures: 0, sessionId: 'S1' })
    expect(states).toEqual(['idle', 'connecting', 'reconnecting', 'failed', 'live'])
  })

  it('waits for settings when the provider is not configured', async () => {
    mintToken.mockRejectedValueOnce(new BridgeError({ code: 'not-configured', message: 'Add the key' }))
    controller.start()
    await settle()
    expect(controller.snapshot).toMatchObject({
      state: 'idle',
      reason: 'not-configured',
      message: 'Add the key',
    })
    await vi.advanceTimersByTimeAsync(120_000)
    expect(mintToken).toHaveBeenCalledTimes(1)
    await controller.restart('settings changed')
    await settle()
    expect(controller.snapshot.state).toBe('live')
  })

  it('honours the provider’s Retry-After when it is longer than the backoff', async () => {
    mintToken.mockRejectedValueOnce(
      new BridgeError({ code: 'rate-limited', message: 'busy', retryAfterMs: 7000 }),
    )
    controller.start()
    await settle()
    expect((controller.snapshot.retryAt ?? 0) - Date.now()).toBe(7000)
    await vi.advanceTimersByTimeAsync(6999)
    expect(mintToken).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.snapshot.state).toBe('live')
  })

  it('spends no retries while offline and tries again as soon as the network is back', async () => {
    controller.start()
    await settle()
    network.isOnline = false
    provider.last.emit('dropped', { reason: 'network' })
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', offline: true })
    await vi.advanceTimersByTimeAsync(600_000)
    expect(mintToken).toHaveBeenCalledTimes(1)
    network.set(true)
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2', offline: false })
  })

  it('cancels pending backoff when the network drops and resumes on "online"', async () => {
    mintToken.mockRejectedValueOnce(new BridgeError({ code: 'unreachable', message: 'down' }))
    controller.start()
    await settle()
    expect(controller.snapshot.state).toBe('reconnecting')
    network.set(false)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(mintToken).toHaveBeenCalledTimes(1)
    network.set(true)
    await settle()
    expect(controller.snapshot.state).toBe('live')
  })

  it('gives up on a start that hangs, and stops that session if it arrives later', async () => {
    provider.outcomes = ['hang']
    controller.start()
    await settle()
    expect(provider.hooks[0]?.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(provider.hooks[0]?.signal.aborted).toBe(true)
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', failures: 1 })
    const late = provider.sessions[0]
    provider.pendingHang?.(late as FakeSession)
    await settle()
    expect(late?.stopCalls).toBe(1)
    expect(reports).toContainEqual({ lease: 'L1', sessionId: 'S1', state: 'stopped' })
    await vi.advanceTimersByTimeAsync(1000)
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
  })

  it('reports a timed-out start that the provider then stopped as stopped, not abandoned', async () => {
    provider.outcomes = [{ stopOnAbort: 'ok' }]
    controller.start()
    await settle()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(provider.sessions[0]?.stopCalls).toBe(1)
    expect(provider.open.size).toBe(0)
    expect(reports).toEqual([
      { lease: 'L1', sessionId: 'S1', state: 'started' },
      { lease: 'L1', sessionId: 'S1', state: 'stopped' },
    ])
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', failures: 1 })
  })

  it('hands a timed-out start to main when the provider could not stop it', async () => {
    provider.outcomes = [{ stopOnAbort: 'fail' }]
    controller.start()
    await settle()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(provider.sessions[0]?.stopCalls).toBe(1)
    expect(reports).toEqual([
      { lease: 'L1', sessionId: 'S1', state: 'started' },
      { lease: 'L1', sessionId: 'S1', state: 'abandoned' },
    ])
  })

  it('shows start options that cannot be built as a failed attempt, and retries', async () => {
    startOptions.mockImplementationOnce(() => {
      throw new Error('The avatar name is missing')
    })
    controller.start()
    await settle()
    expect(controller.snapshot).toMatchObject({
      state: 'reconnecting',
      failures: 1,
      message: 'The avatar name is missing',
    })
    expect(provider.hooks).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1000)
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S1' })
  })

  it('resolves a second stop() only after the first one’s provider stop finished', async () => {
    controller.start()
    await settle()
    const session = provider.last
    session.stopBehaviour = 'manual'
    const first = controller.stop('operator')
    let secondDone = false
    const second = controller.stop('disposed').then(() => {
      secondDone = true
    })
    await settle()
    expect(secondDone).toBe(false)
    expect(session.stopCalls).toBe(1)
    session.finishStop?.()
    await Promise.all([first, second])
    expect(provider.open.size).toBe(0)
    expect(reports).toContainEqual({ lease: 'L1', sessionId: 'S1', state: 'stopped' })
  })

  it('starts the next session only after a stop in flight has finished', async () => {
    controller.start()
    await settle()
    const first = provider.last
    first.stopBehaviour = 'manual'
    const stopping = controller.stop('operator')
    controller.start('visitor')
    await settle()
    expect(mintToken).toHaveBeenCalledTimes(1)
    first.finishStop?.()
    await stopping
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
    expect(provider.maxOpen).toBe(1)
  })

  it('hands a session it cannot stop to main', async () => {
    controller.start()
    await settle()
    provider.last.stopBehaviour = 'hang'
    const stopping = controller.stop('test')
    await vi.advanceTimersByTimeAsync(3000)
    await stopping
    expect(reports).toContainEqual({ lease: 'L1', sessionId: 'S1', state: 'abandoned' })
    expect(controller.snapshot.state).toBe('idle')
  })

  it('reports a session that failed after being created as abandoned, so main stops it', async () => {
    provider.outcomes = [{ createThenFail: new Error('chat socket refused') }]
    controller.start()
    await settle()
    expect(reports).toEqual([
      { lease: 'L1', sessionId: 'S1', state: 'started' },
      { lease: 'L1', sessionId: 'S1', state: 'abandoned' },
    ])
  })

  it('stops a session that arrives after stop() was called', async () => {
    provider.outcomes = ['hang']
    controller.start()
    await settle()
    await controller.stop('operator')
    provider.pendingHang?.(provider.sessions[0] as FakeSession)
    await settle()
    expect(provider.sessions[0]?.stopCalls).toBe(1)
    expect(provider.open.size).toBe(0)
    expect(controller.snapshot.state).toBe('idle')
  })

  it('rotates before the duration limit at a quiet moment, and never runs two sessions', async () => {
    provider.durationLimitMs = 20_000
    controller.start()
    await settle()
    provider.last.emit('avatarStartTalking', {})
    await vi.advanceTimersByTimeAsync(15_000)
    expect(controller.snapshot.sessionId).toBe('S1')
    provider.last.emit('avatarStopTalking', {})
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
    expect(provider.maxOpen).toBe(1)
    expect(provider.sessions[0]?.stopCalls).toBe(1)
  })

  it('rotates at the deadline even while the avatar keeps talking', async () => {
    provider.durationLimitMs = 20_000
    controller.start()
    await settle()
    provider.last.emit('avatarStartTalking', {})
    await vi.advanceTimersByTimeAsync(18_499)
    expect(controller.snapshot.sessionId).toBe('S1')
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
  })

  it('counts the limit from when the provider created the session, not from when it went live', async () => {
    provider.durationLimitMs = 20_000
    provider.outcomes = ['hang']
    controller.start()
    await settle()
    // LiveAvatar's start can take seconds after /start, and the provider's clock is already running.
    await vi.advanceTimersByTimeAsync(6_000)
    provider.pendingHang?.(provider.last)
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S1' })
    provider.last.emit('avatarStartTalking', {})
    await vi.advanceTimersByTimeAsync(12_499)
    expect(controller.snapshot.sessionId).toBe('S1')
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
  })

  it('sends keep-alives while a visitor is engaged, at most every 30 s', async () => {
    controller.start()
    await settle()
    const session = provider.last
    controller.noteVisitorActivity()
    expect(session.keepAliveCalls).toBe(0)
    await vi.advanceTimersByTimeAsync(30_000)
    controller.noteVisitorActivity()
    session.emit('userStart', {})
    expect(session.keepAliveCalls).toBe(1)
    await vi.advanceTimersByTimeAsync(30_000)
    session.emit('userTalkingMessage', { text: 'hello' })
    expect(session.keepAliveCalls).toBe(2)
  })

  it('forwards session events from whichever session is current', async () => {
    const seen: string[] = []
    controller.onSessionEvent((name, payload) => seen.push(`${name}:${JSON.stringify(payload)}`))
    controller.start()
    await settle()
    provider.last.emit('avatarTalkingMessage', { text: 'Hi' })
    provider.last.emit('dropped', { reason: 'x' })
    await settle()
    provider.last.emit('userTalkingMessage', { text: 'Yo' })
    expect(seen).toEqual(['avatarTalkingMessage:{"text":"Hi"}', 'userTalkingMessage:{"text":"Yo"}'])
  })

  it('restarts cleanly on a settings change', async () => {
    controller.start()
    await settle()
    await controller.restart()
    await settle()
    expect(controller.snapshot).toMatchObject({ state: 'live', sessionId: 'S2' })
    expect(provider.maxOpen).toBe(1)
    expect(states).toEqual(['idle', 'connecting', 'live', 'idle', 'connecting', 'live'])
  })

  it('ignores problems reported while not live', async () => {
    controller.reportProblem('video stalled')
    expect(controller.snapshot.state).toBe('idle')
    controller.start()
    await settle()
    controller.reportProblem('video stalled')
    expect(controller.snapshot).toMatchObject({ state: 'reconnecting', reason: 'video stalled' })
    await settle()
    expect(controller.snapshot.state).toBe('live')
  })
})
