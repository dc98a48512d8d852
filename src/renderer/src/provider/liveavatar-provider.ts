import {
  LiveAvatarSession,
  SessionEvent,
  SessionInteractivityMode,
  SessionMode,
  SessionState,
  VoiceChatState,
} from '@heygen/liveavatar-web-sdk'
import type { SessionToken } from '../../../shared/contract'
import type { Log } from '../log'
import type {
  AvatarCapabilities,
  AvatarProvider,
  AvatarSession,
  AvatarSessionEvent,
  AvatarSessionEvents,
  AvatarStartHooks,
  AvatarStartOptions,
} from './avatar-provider'
import { SessionListeners } from './session-listeners'
import { installSessionApiRejectionGuard, toReadableError } from './liveavatar-errors'
import { LIVEAVATAR_AGENT_EVENTS, mapAgentEvent } from './liveavatar-events'
import {
  avatarTracks,
  disconnectRoom,
  instrumentSessionApi,
  roomOf,
  unpublishMicrophone,
  type SessionApi,
} from './liveavatar-internals'

/** The identity of the avatar's participant in the LiveKit room (the SDK's `HEYGEN_PARTICIPANT_ID`). */
const AVATAR_PARTICIPANT = 'heygen'
/** livekit-client's `RoomEvent.ParticipantDisconnected`, by value: this module must not load livekit itself. */
const PARTICIPANT_DISCONNECTED = 'participantDisconnected'

export interface LiveAvatarProviderOptions {
  log?: Log
  /**
   * How long `stop()` during a start waits for the SDK's `start()` to settle before tearing the room down itself:
   * the SDK's `stop()` does nothing while CONNECTING, and a LITE start whose socket never opens never settles.
   */
  connectingGraceMs?: number
  /** `startPushToTalk()` waits for the server's answer with no timeout of its own. */
  pushToTalkTimeoutMs?: number
}

const FULL: AvatarCapabilities = { speaksText: true, speaksAudio: false, voiceChat: true }
/** LITE renders audio we send; it has no speech-to-text, no LLM and refuses text. */
const LITE: AvatarCapabilities = { speaksText: false, speaksAudio: true, voiceChat: false }

function abortError(): Error {
  return new DOMException('The avatar start was abandoned', 'AbortError')
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Runs a synchronous SDK command (they throw rather than reject) as a promise. */
function command(run: () => unknown): Promise<void> {
  try {
    run()
    return Promise.resolve()
  } catch (error) {
    return Promise.reject(toReadableError(error))
  }
}

/**
 * One LiveAvatar session behind the provider-neutral seam. A `LiveAvatarSession` cannot be restarted and never
 * reconnects, so each of these wraps exactly one, built from one fresh token; the controller makes a new one for
 * every attempt.
 */
class LiveAvatarAdapterSession implements AvatarSession {
  id = ''
  durationLimitMs: number | undefined
  readonly capabilities: AvatarCapabilities
  private streamValue: MediaStream | undefined
  private readonly listeners = new SessionListeners()
  private readonly sdkListeners: [string, (...args: never[]) => void][] = []
  private readonly api: SessionApi
  private stopping: Promise<void> | undefined
  /** Settles (never rejects) when the SDK's `start()` does. */
  private startSettled: Promise<void> = Promise.resolve()
  private created = false
  private live = false
  private streamReady = false
  /** Rejects a start in progress when the SDK ends the session under it. */
  private failStart: ((error: Error) => void) | undefined
  private onStreamReady: (() => void) | undefined

  constructor(
    private readonly sdk: LiveAvatarSession,
    private readonly options: Required<Omit<LiveAvatarProviderOptions, 'log'>> & { log: Log },
    private readonly pushToTalkMode: boolean,
    private readonly onCreated: (sessionId: string) => void,
  ) {
    this.capabilities = sdk.mode === SessionMode.LITE ? LITE : FULL
    this.api = instrumentSessionApi(sdk, {
      onStarted: (info) => this.noteCreated(info.session_id, info.max_session_duration),
      abandoned: () => this.stopping !== undefined,
    })
    if (!this.api.instrumented) {
      options.log('warn', 'LiveAvatar SDK internals not found; stop and keep-alive results cannot be checked')
    }
    for (const name of LIVEAVATAR_AGENT_EVENTS) {
      this.listenSdk(name, (payload: unknown) => {
        for (const [neutral, mapped] of mapAgentEvent(name, payload)) this.emit(neutral, mapped)
      })
    }
    this.listenSdk(SessionEvent.SESSION_CONNECTION_QUALITY_CHANGED, (quality: unknown) =>
      this.emit('connectionQuality', { quality: String(quality) }),
    )
    this.listenSdk(SessionEvent.SESSION_STREAM_READY, () => {
      this.streamReady = true
      this.onStreamReady?.()
    })
    this.listenSdk(SessionEvent.SESSION_DISCONNECTED, (reason: unknown) =>
      this.onDisconnected(String(reason ?? 'unknown')),
    )
  }

  get stream(): MediaStream {
    if (!this.streamValue) throw new Error('The avatar stream is not ready yet')
    return this.streamValue
  }

  /** Starts the SDK session; resolves once it is CONNECTED and the avatar's video and audio are subscribed. */
  async connect(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw abortError()
    const started = this.sdk.start()
    this.startSettled = started.then(
      () => undefined,
      () => undefined,
    )
    const ready = new Promise<void>((resolve, reject) => {
      this.failStart = reject
      this.onStreamReady = resolve
      if (this.streamReady) resolve()
      signal.addEventListener('abort', () => reject(abortError()), { once: true })
    })
    // Both: `stream_ready` can come before or after CONNECTED. The first failure (or the abort) wins.
    await Promise.all([started, ready])
    this.failStart = this.onStreamReady = undefined
    if (this.sdk.state !== SessionState.CONNECTED)
      throw new Error(`LiveAvatar session is ${this.sdk.state}, not connected`)
    // Without the SDK's client we learn the id only now, from its public getters.
    if (!this.created) this.noteCreated(this.sdk.sessionId ?? '', this.sdk.maxSessionDuration)
    this.adoptStream()
  }

  private noteCreated(sessionId: string, limitSeconds: number | null): void {
    this.created = true
    this.id = sessionId
    this.durationLimitMs =
      typeof limitSeconds === 'number' && limitSeconds > 0 ? limitSeconds * 1000 : undefined
    if (sessionId) this.onCreated(sessionId)
  }

  private adoptStream(): void {
    const tracks = avatarTracks(this.sdk)
    if (!tracks.some((track) => track.kind === 'video') || !tracks.some((track) => track.kind === 'audio'))
      throw new Error('The LiveAvatar SDK reported the stream ready but its tracks were not found')
    this.streamValue = new MediaStream(tracks)
    for (const track of tracks)
      track.addEventListener('ended', () => this.drop(`avatar ${track.kind} track ended`))
    // The avatar leaving the room without the room closing would otherwise only show up as a frozen picture.
    const onLeft = (participant: { identity?: string }) => {
      if (participant.identity === AVATAR_PARTICIPANT) this.drop('the avatar left the room')
    }
    roomOf(this.sdk)?.on?.(PARTICIPANT_DISCONNECTED, onLeft as (...args: never[]) => void)
    this.live = true
  }

  on<Name extends AvatarSessionEvent>(
    name: Name,
    listener: (payload: AvatarSessionEvents[Name]) => void,
  ): () => void {
    return this.listeners.on(name, listener)
  }

  speak(text: string, options: { type: 'talk' | 'repeat'; async?: boolean }): Promise<void> {
    if (!this.capabilities.speaksText)
      return Promise.reject(new Error('LiveAvatar LITE speaks only audio we send, not text'))
    return command(() => (options.type === 'talk' ? this.sdk.message(text) : this.sdk.repeat(text)))
  }

  speakAudio(pcmBase64: string): Promise<void> {
    if (!this.capabilities.speaksAudio)
      return Promise.reject(new Error('LiveAvatar FULL speaks text; audio needs a LITE session'))
    return command(() => this.sdk.repeatAudio(pcmBase64))
  }

  interrupt(): Promise<void> {
    return command(() => this.sdk.interrupt())
  }

  async keepAlive(): Promise<void> {
    // The SDK's keepAlive() returns before its request does and so always "succeeds": ask the client directly.
    if (this.sdk.state !== SessionState.CONNECTED) return
    try {
      await this.api.keepAlive()
    } catch (error) {
      throw toReadableError(error)
    }
  }

  async startVoiceChat({ muted }: { muted: boolean }): Promise<void> {
    if (!this.capabilities.voiceChat) throw new Error('LiveAvatar LITE has no voice chat')
    const voiceChat = this.sdk.voiceChat
    await voiceChat.start({
      // Push-to-talk: nothing is heard until the button is held (the SDK unmutes on start, we mute on release).
      defaultMuted: muted || this.pushToTalkMode,
      mode: this.pushToTalkMode
        ? SessionInteractivityMode.PUSH_TO_TALK
        : SessionInteractivityMode.CONVERSATIONAL,
    })
    // It only warns (and returns) when the room is not connected or a voice chat already runs.
    if (voiceChat.state !== VoiceChatState.ACTIVE) throw new Error('The LiveAvatar voice chat did not start')
  }

  async closeVoiceChat(): Promise<void> {
    this.sdk.voiceChat.stop()
    await unpublishMicrophone(this.sdk)
  }

  setMicrophoneMuted(muted: boolean): void {
    const voiceChat = this.sdk.voiceChat
    void (muted ? voiceChat.mute() : voiceChat.unmute()).catch((error: unknown) =>
      this.options.log('warn', 'microphone mute failed', { error: String(error) }),
    )
  }

  async pushToTalk(active: boolean): Promise<void> {
    const voiceChat = this.sdk.voiceChat
    const timeoutMs = this.options.pushToTalkTimeoutMs
    if (active) {
      await withTimeout(voiceChat.startPushToTalk(), timeoutMs, 'LiveAvatar did not confirm push-to-talk')
      return
    }
    try {
      await withTimeout(
        voiceChat.stopPushToTalk(),
        timeoutMs,
        'LiveAvatar did not confirm the end of push-to-talk',
      )
    } finally {
      // stopPushToTalk() leaves the microphone open.
      await voiceChat.mute()
    }
  }

  /** A resolved `stop()` proves the session ended at the provider (without the SDK's client it proves nothing). */
  get stopConfirmed(): boolean {
    return this.created && this.id !== '' && this.api.instrumented
  }

  stop(): Promise<void> {
    this.stopping ??= this.release()
    return this.stopping
  }

  /**
   * Ends the session at the provider and releases the room and media, on every path. Resolves only when the
   * provider confirmed POST /stop (so the controller reports "stopped", not "abandoned", only when it is true).
   */
  private async release(): Promise<void> {
    this.live = false
    this.listeners.clear()
    this.failStart?.(abortError())
    if (this.sdk.state === SessionState.CONNECTING) {
      // stop() does nothing while CONNECTING: give start() a moment to settle, then stop what it built.
      const settled = await Promise.race([
        this.startSettled.then(() => true),
        delay(this.options.connectingGraceMs).then(() => false),
      ])
      // Still hanging (a LITE socket that never opens): leaving the room makes the SDK tear itself down.
      if (!settled) await disconnectRoom(this.sdk)
    }
    if (this.sdk.state === SessionState.CONNECTED) await this.sdk.stop()
    for (const [name, listener] of this.sdkListeners)
      (this.sdk.off as (event: string, fn: (...args: never[]) => void) => unknown)(name, listener)
    await disconnectRoom(this.sdk)
    for (const track of this.streamValue?.getTracks() ?? []) track.stop()
    const stopRequest = this.api.lastStop()
    if (!this.created || !this.api.instrumented) return
    if (!stopRequest) throw new Error('LiveAvatar session was not stopped at the provider')
    try {
      await stopRequest
    } catch (error) {
      throw toReadableError(error)
    }
  }

  private onDisconnected(reason: string): void {
    if (this.stopping) return
    if (!this.live) {
      // A failed start() emits this just before it rejects: let its own error (the real cause) win.
      if (reason !== 'SESSION_START_FAILED')
        this.failStart?.(new Error(`LiveAvatar ended the session while it started (${reason})`))
      return
    }
    this.drop(`LiveAvatar session ended (${reason})`)
  }

  private listenSdk(name: string, listener: (...args: never[]) => void): void {
    this.sdkListeners.push([name, listener])
    ;(this.sdk.on as (event: string, fn: (...args: never[]) => void) => unknown)(name, listener)
  }

  private emit(name: AvatarSessionEvent, payload: unknown): void {
    this.listeners.emit(name, payload)
  }

  private drop(reason: string): void {
    if (this.stopping || !this.live) return
    this.live = false
    this.emit('dropped', { reason })
  }
}

/** HeyGen LiveAvatar (and the sandbox's LiveAvatar front-end) through `@heygen/liveavatar-web-sdk`. */
export function createLiveAvatarProvider(options: LiveAvatarProviderOptions = {}): AvatarProvider {
  const log: Log = options.log ?? (() => undefined)
  installSessionApiRejectionGuard(log)
  const settings = {
    log,
    connectingGraceMs: options.connectingGraceMs ?? 5_000,
    pushToTalkTimeoutMs: options.pushToTalkTimeoutMs ?? 5_000,
  }
  return {
    async start(token: SessionToken, startOptions: AvatarStartOptions, hooks: AvatarStartHooks) {
      if (token.kind !== 'liveavatar')
        throw new Error(`A ${token.kind} token cannot start a LiveAvatar session`)
      // Voice chat off at start: the conversation turns it on only where the provider should hear the visitor
      // (in our-own-LLM mode a published microphone would make LiveAvatar's LLM answer too).
      const sdk = new LiveAvatarSession(token.token, { apiUrl: token.baseUrl, voiceChat: false })
      if (token.mode && token.mode.toUpperCase() !== sdk.mode)
        log('warn', 'LiveAvatar token mode differs from what the SDK read', {
          token: token.mode,
          sdk: sdk.mode,
        })
      const session = new LiveAvatarAdapterSession(sdk, settings, startOptions.enablePushToTalk, (id) =>
        hooks.onSessionCreated(id),
      )
      const abandon = () => void session.stop().catch(() => undefined)
      hooks.signal.addEventListener('abort', abandon, { once: true })
      try {
        await session.connect(hooks.signal)
        if (hooks.signal.aborted) throw abortError()
        return session
      } catch (error) {
        await session.stop().then(
          () => {
            if (session.stopConfirmed) hooks.onSessionStopped?.(session.id)
          },
          () => undefined,
        )
        throw toReadableError(error)
      } finally {
        hooks.signal.removeEventListener('abort', abandon)
      }
    },
  }
}
