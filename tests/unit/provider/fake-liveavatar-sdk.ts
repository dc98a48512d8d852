import { EventEmitter } from 'node:events'

/**
 * A stand-in for `@heygen/liveavatar-web-sdk` 0.0.18 (used through `vi.mock`) that reproduces the behaviour the
 * adapter has to work around, as read in the shipped bundle `lib/index.esm.js`: `stop()` and `keepAlive()` act
 * only in CONNECTED and never await their requests, `cleanup()` POSTs /stop, a room disconnect tears the session
 * down, `start()` can hang (a LITE socket that never opens), and a session cannot be started twice.
 */

export const SessionState = {
  INACTIVE: 'INACTIVE',
  CONNECTING: 'CONNECTING',
  CONNECTED: 'CONNECTED',
  DISCONNECTING: 'DISCONNECTING',
  DISCONNECTED: 'DISCONNECTED',
} as const
export const SessionMode = { FULL: 'FULL', LITE: 'LITE' } as const
export const SessionEvent = {
  SESSION_STATE_CHANGED: 'session.state_changed',
  SESSION_STREAM_READY: 'session.stream_ready',
  SESSION_CONNECTION_QUALITY_CHANGED: 'session.connection_quality_changed',
  SESSION_DISCONNECTED: 'session.disconnected',
} as const
export const SessionInteractivityMode = {
  CONVERSATIONAL: 'CONVERSATIONAL',
  PUSH_TO_TALK: 'PUSH_TO_TALK',
} as const
export const VoiceChatState = { INACTIVE: 'INACTIVE', STARTING: 'STARTING', ACTIVE: 'ACTIVE' } as const

export interface SessionInfo {
  session_id: string
  max_session_duration: number | null
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

/** The SDK's SessionApiError: a plain Error with `errorCode` and `status`, and no name of its own. */
export function sessionApiError(message: string, errorCode = 500, status: number | null = null): Error {
  return Object.assign(new Error(message), { errorCode, status })
}

export class FakeTrack {
  stopped = false
  readonly listeners = new Map<string, (() => void)[]>()
  constructor(readonly kind: 'video' | 'audio') {}
  stop() {
    this.stopped = true
  }
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  fire(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener()
  }
}

export class FakeRoom extends EventEmitter {
  state: 'disconnected' | 'connected' | 'reconnecting' = 'disconnected'
  disconnectCalls = 0
  readonly unpublished: unknown[] = []
  readonly localParticipant = {
    audioTrackPublications: new Map<string, { track?: unknown }>(),
    unpublishTrack: async (track: unknown) => {
      this.unpublished.push(track)
    },
  }
  /** The SDK's own RoomEvent.Disconnected handler, while registered. */
  onSdkDisconnect: (() => void) | undefined

  async disconnect() {
    this.disconnectCalls += 1
    if (this.state === 'disconnected') return
    this.state = 'disconnected'
    this.onSdkDisconnect?.()
  }
}

export class FakeVoiceChat {
  state: string = VoiceChatState.INACTIVE
  startConfigs: unknown[] = []
  stopCalls = 0
  muted: boolean[] = []
  constructor(private readonly room: FakeRoom) {}
  async start(config: { defaultMuted?: boolean; mode?: string } = {}) {
    if (this.room.state !== 'connected') return
    this.startConfigs.push(config)
    this.state = VoiceChatState.ACTIVE
    this.room.localParticipant.audioTrackPublications.set('mic', { track: { kind: 'audio', id: 'mic' } })
  }
  stop() {
    this.stopCalls += 1
    this.state = VoiceChatState.INACTIVE
  }
  async mute() {
    this.muted.push(true)
  }
  async unmute() {
    this.muted.push(false)
  }
  async startPushToTalk() {}
  async stopPushToTalk() {}
}

export class LiveAvatarSession extends EventEmitter {
  static instances: LiveAvatarSession[] = []
  /** What the next session's `start()` waits for after `/start` (room, agent, LITE socket). */
  static nextConnect: () => Promise<void> = () => Promise.resolve()
  /** What the next session's `/start` answers. */
  static nextStartSession: () => Promise<SessionInfo> = () =>
    Promise.resolve({ session_id: 'session-1', max_session_duration: 600 })
  /** A future SDK that renamed its private client: the adapter must fall back to the public API. */
  static hideClient = false

  state: string = SessionState.INACTIVE
  readonly mode: string
  readonly room = new FakeRoom()
  readonly voiceChat = new FakeVoiceChat(this.room)
  _remoteVideoTrack: { kind: string; mediaStreamTrack: FakeTrack } | null = null
  _remoteAudioTrack: { kind: string; mediaStreamTrack: FakeTrack } | null = null
  readonly commands: [string, string?][] = []
  startCalls = 0
  stopCalls = 0
  readonly stopRequests: Promise<void>[] = []
  private info: SessionInfo | null = null
  private readonly connect = LiveAvatarSession.nextConnect
  /** What POST /stop and POST /keep-alive answer; tests replace these, the client object stays the SDK's. */
  stopReply: () => Promise<void> = () => Promise.resolve()
  keepAliveReply: () => Promise<void> = () => Promise.resolve()
  private readonly client = {
    startSession: LiveAvatarSession.nextStartSession,
    stopSession: (): Promise<void> => this.stopReply(),
    keepAlive: (): Promise<void> => this.keepAliveReply(),
  }
  readonly sessionClient = LiveAvatarSession.hideClient ? undefined : this.client

  constructor(
    readonly token: string,
    readonly config: { apiUrl?: string; voiceChat?: unknown },
  ) {
    super()
    this.mode = token.startsWith('lite') ? SessionMode.LITE : SessionMode.FULL
    LiveAvatarSession.instances.push(this)
  }

  get sessionId() {
    return this.info?.session_id ?? null
  }
  get maxSessionDuration() {
    return this.info?.max_session_duration ?? null
  }

  async start() {
    this.startCalls += 1
    if (this.state !== SessionState.INACTIVE) return
    try {
      this.setState(SessionState.CONNECTING)
      this.info = await this.client.startSession()
      this.room.state = 'connected'
      this.room.onSdkDisconnect = () => {
        void this.cleanup()
        this.postStop('UNKNOWN_REASON')
      }
      await this.connect()
      this.setState(SessionState.CONNECTED)
    } catch (error) {
      void this.cleanup()
      this.postStop('SESSION_START_FAILED')
      throw error
    }
  }

  async stop() {
    this.stopCalls += 1
    if (this.state !== SessionState.CONNECTED) return
    this.setState(SessionState.DISCONNECTING)
    void this.cleanup()
    this.postStop('CLIENT_INITIATED')
  }

  async keepAlive() {
    if (this.state !== SessionState.CONNECTED) return
    void this.client.keepAlive()
  }

  /** The avatar's tracks arrive (`trackEvents` in the SDK). */
  streamReady() {
    this._remoteVideoTrack = { kind: 'video', mediaStreamTrack: new FakeTrack('video') }
    this._remoteAudioTrack = { kind: 'audio', mediaStreamTrack: new FakeTrack('audio') }
    this.emit(SessionEvent.SESSION_STREAM_READY)
  }

  /** The server ends the session (`session.stopped`). */
  serverStopped() {
    void this.cleanup()
    this.postStop('SERVER_INITIATED')
  }

  message(text: string) {
    this.assertConnected()
    if (this.mode === SessionMode.LITE) throw new Error('Not permitted in LITE mode')
    this.commands.push(['message', text])
    return 'event'
  }
  repeat(text: string) {
    this.assertConnected()
    if (this.mode === SessionMode.LITE) throw new Error('Not permitted in LITE mode')
    this.commands.push(['repeat', text])
    return 'event'
  }
  repeatAudio(audio: string) {
    this.assertConnected()
    if (this.mode !== SessionMode.LITE) throw new Error('Session needs to be connected to send command event')
    this.commands.push(['repeatAudio', audio])
    return 'event'
  }
  interrupt() {
    this.assertConnected()
    this.commands.push(['interrupt'])
  }

  private assertConnected() {
    if (this.state !== SessionState.CONNECTED)
      throw new Error('Session needs to be connected to send command event')
  }

  private async cleanup() {
    this.voiceChat.stop()
    this._remoteVideoTrack?.mediaStreamTrack.stop()
    this._remoteAudioTrack?.mediaStreamTrack.stop()
    this.room.onSdkDisconnect = undefined
    if (this.room.state === 'connected') void this.room.disconnect()
    const request = this.client.stopSession()
    this.stopRequests.push(request)
    await request
  }

  private postStop(reason: string) {
    this.setState(SessionState.DISCONNECTED)
    this.emit(SessionEvent.SESSION_DISCONNECTED, reason)
  }

  private setState(state: string) {
    if (this.state === state) return
    this.state = state
    this.emit(SessionEvent.SESSION_STATE_CHANGED, state)
  }
}
