import { randomBytes, randomUUID } from 'node:crypto'
import { DisconnectReason } from '@livekit/protocol'
import type { WebSocket } from 'ws'
import { decodeChatFrame } from '../chat/pipecat'
import { VoiceActivity } from '../chat/voice-activity'
import {
  encodeEvent,
  type EventPayload,
  type SandboxEventName,
  type VoiceChatTransport,
} from '../events/table'
import type { RoomIdentity } from '../livekit/messages'
import { SignalConnection, type AvatarTracks } from '../livekit/signal-connection'
import { AvatarMedia } from '../media/avatar-media'
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE } from '../media/ffmpeg-args'
import { cachedFrameSet } from '../media/frames'
import { VIDEO_PROFILES, type AvatarQuality } from '../media/quality'
import type { SandboxLogger, VideoCodec } from '../options'
import type { ProcessRegistry } from '../processes'
import { AudioClock } from '../speech/audio-clock'
import { respond, type Persona } from '../speech/responder'
import { Speaker } from '../speech/speaker'
import { synthesize, type Voice } from '../speech/tts'
import { lookOf, type SandboxAvatar } from './avatars'
import { answersVisitor } from './provider-mode'

export type TaskType = 'talk' | 'repeat'
export type TaskMode = 'sync' | 'async'
export type CloseReason = 'stopped' | 'idle-timeout' | 'session-limit' | 'sandbox-shutdown'

/** One entry of GET /__sandbox/sessions; times are epoch milliseconds. */
export interface SessionSnapshot {
  id: string
  state: 'open' | 'closed'
  createdAt: number
  closedAt: number | null
  quality: AvatarQuality
  transport: VoiceChatTransport
  tasks: { type: TaskType; text: string; at: number }[]
}

export interface SessionConfig {
  id: string
  livekitToken: string
  quality: AvatarQuality
  avatar: SandboxAvatar
  voice: Voice
  persona: Persona
  transport: VoiceChatTransport
  idleTimeoutSeconds: number
  sessionLimitSeconds: number
}

export interface SessionDeps {
  registry: ProcessRegistry
  codec: VideoCodec
  log: SandboxLogger
  onClosed(session: Session): void
}

export interface SpokenTask {
  taskId: string
  durationMs: number
}

export class SessionClosedError extends Error {
  constructor(id: string) {
    super(`session ${id} is closed`)
    this.name = 'SessionClosedError'
  }
}

/**
 * One avatar session: its task queue and voice, its LiveKit connection and chat socket, and the timers that
 * end it the way the provider does (idle timeout, duration limit).
 */
export class Session {
  readonly createdAt = Date.now()
  closedAt: number | null = null
  readonly tasks: SessionSnapshot['tasks'] = []
  readonly room: RoomIdentity

  private readonly speaker: Speaker
  private readonly clock: AudioClock
  private readonly voiceActivity = new VoiceActivity()
  private visitorUtteranceId = randomUUID()
  private voiceChatActive = false
  private media: AvatarMedia | undefined
  private mediaStarting: Promise<void> | undefined
  private livekit: SignalConnection | undefined
  /** Every connection not yet closed, including ones still saying goodbye after a leave. */
  private readonly connections = new Set<SignalConnection>()
  private chatSocket: WebSocket | undefined
  private idleTimer: NodeJS.Timeout | undefined
  private readonly limitTimer: NodeJS.Timeout

  constructor(
    readonly config: SessionConfig,
    private readonly deps: SessionDeps,
  ) {
    const suffix = (): string => randomBytes(6).toString('hex')
    const profile = VIDEO_PROFILES[config.quality]
    this.room = {
      roomName: `sandbox-${config.id}`,
      roomSid: `RM_${suffix()}`,
      clientSid: `PA_${suffix()}`,
      clientIdentity: `client-${suffix()}`,
      avatarSid: `PA_${suffix()}`,
      avatarIdentity: config.avatar.avatarId,
      videoTrackSid: `TR_V${suffix()}`,
      audioTrackSid: `TR_A${suffix()}`,
      videoWidth: profile.width,
      videoHeight: profile.height,
      videoMimeType: deps.codec === 'h264' ? 'video/H264' : 'video/VP8',
    }
    this.speaker = new Speaker({
      startTalking: (taskId) => this.emit('avatar_start_talking', { task_id: taskId }),
      word: (taskId, message) => this.emit('avatar_talking_message', { task_id: taskId, message }),
      endMessage: (taskId) => this.emit('avatar_end_message', { task_id: taskId }),
      stopTalking: (taskId, durationMs) => {
        this.emit('avatar_stop_talking', { task_id: taskId, duration_ms: durationMs })
        // Speaking is activity: the idle countdown starts when the avatar falls silent.
        this.touch()
      },
    })
    this.clock = new AudioClock(() => this.pumpAudio())
    this.clock.start()
    this.limitTimer = setTimeout(() => void this.close('session-limit'), config.sessionLimitSeconds * 1000)
    this.limitTimer.unref()
    this.touch()
  }

  get id(): string {
    return this.config.id
  }

  get isOpen(): boolean {
    return this.closedAt === null
  }

  snapshot(): SessionSnapshot {
    return {
      id: this.id,
      state: this.isOpen ? 'open' : 'closed',
      createdAt: this.createdAt,
      closedAt: this.closedAt,
      quality: this.config.quality,
      transport: this.config.transport,
      tasks: this.tasks.map((task) => ({ ...task })),
    }
  }

  /** Any call or message for the session counts as activity and restarts the idle countdown. */
  touch(): void {
    if (!this.isOpen) return
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.onIdle(), this.config.idleTimeoutSeconds * 1000)
    this.idleTimer.unref()
  }

  /**
   * `repeat` says the text; `talk` lets the responder answer it. `sync` resolves once spoken (or cut short),
   * `async` once the speech is synthesised and queued, both with the utterance's length.
   */
  async speak(type: TaskType, text: string, mode: TaskMode): Promise<SpokenTask> {
    this.assertOpen()
    this.touch()
    this.tasks.push({ type, text, at: Date.now() })
    const taskId = randomUUID()
    const spoken = type === 'talk' ? respond(text, this.config.persona) : text
    const pcm = synthesize(this.deps.registry, spoken, this.config.voice)
    const outcome = this.speaker.enqueue(taskId, spoken, pcm)
    if (mode === 'sync') {
      const result = await outcome
      return { taskId, durationMs: result.durationMs }
    }
    outcome.catch(() => {})
    const samples = await pcm
    return { taskId, durationMs: Math.round((samples.length * 1000) / AUDIO_SAMPLE_RATE) }
  }

  interrupt(): void {
    this.assertOpen()
    this.touch()
    this.speaker.interrupt()
  }

  /**
   * What the provider's speech-to-text would report for a visitor's words, and, if the provider's brain is
   * in charge of this session, its spoken answer.
   */
  userSays(text: string): { taskId: string; answered: boolean } {
    this.assertOpen()
    this.touch()
    const taskId = randomUUID()
    this.emit('user_start', { task_id: taskId })
    this.emit('user_talking_message', { task_id: taskId, message: text })
    this.emit('user_stop', { task_id: taskId })
    this.emit('user_end_message', { task_id: taskId, message: text })
    const answered = answersVisitor({
      voiceChatActive: this.voiceChatActive,
      talkTasks: this.tasks.filter((task) => task.type === 'talk').length,
      repeatTasks: this.tasks.filter((task) => task.type === 'repeat').length,
    })
    if (answered) {
      // The visitor talking over the avatar cuts it off, as the provider's voice chat does.
      this.speaker.interrupt()
      this.speak('talk', text, 'async').catch((error: unknown) =>
        this.deps.log('warn', 'responder answer failed', { session: this.id, error: String(error) }),
      )
    }
    return { taskId, answered }
  }

  attachLiveKit(ws: WebSocket): void {
    if (!this.isOpen) {
      ws.close(1008, 'session closed')
      return
    }
    void this.livekit?.close()
    const connection: SignalConnection = new SignalConnection(ws, {
      room: this.room,
      codec: this.deps.codec,
      log: this.deps.log,
      onTracks: (tracks) => void this.startMedia(connection, tracks),
      onClientData: (payload) => this.receiveClientData(payload),
      onMicrophone: () => (this.voiceChatActive = true),
      onClosed: () => {
        this.connections.delete(connection)
        if (this.livekit !== connection) return
        this.livekit = undefined
        void this.stopMedia()
      },
    })
    this.livekit = connection
    this.connections.add(connection)
    connection.start().catch((error: unknown) => {
      this.deps.log('error', 'livekit: could not start the connection', {
        session: this.id,
        error: String(error),
      })
      void connection.close()
    })
  }

  attachChatSocket(ws: WebSocket): void {
    if (!this.isOpen) {
      ws.close(1008, 'session closed')
      return
    }
    this.chatSocket?.terminate()
    this.chatSocket = ws
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.receiveChatFrame(data as Buffer)
    })
    ws.on('close', () => {
      if (this.chatSocket === ws) this.chatSocket = undefined
    })
  }

  /** Fault: the provider's LiveKit server drops the client. The session itself stays open, and billed. */
  disconnectLiveKit(): boolean {
    if (!this.livekit) return false
    this.livekit.leave(DisconnectReason.SERVER_SHUTDOWN)
    return true
  }

  /** Fault: the chat socket dies without a closing handshake. */
  dropChatSocket(): boolean {
    if (!this.chatSocket) return false
    this.chatSocket.terminate()
    this.chatSocket = undefined
    return true
  }

  async close(reason: CloseReason): Promise<void> {
    if (!this.isOpen) return
    this.closedAt = Date.now()
    clearTimeout(this.idleTimer)
    clearTimeout(this.limitTimer)
    this.deps.log('info', 'session closed', { session: this.id, reason })
    this.speaker.interrupt()
    this.clock.stop()
    const connection = this.livekit
    this.livekit = undefined
    if (reason === 'sandbox-shutdown') await connection?.close()
    else connection?.leave(DisconnectReason.ROOM_DELETED)
    this.chatSocket?.close(1000, 'session closed')
    this.chatSocket = undefined
    await this.stopMedia()
    this.deps.onClosed(this)
  }

  /** Closes connections at once, without waiting out the grace period after a leave. */
  async releaseConnections(): Promise<void> {
    await Promise.all([...this.connections].map((connection) => connection.close()))
  }

  private onIdle(): void {
    if (this.speaker.speaking) {
      this.touch()
      return
    }
    void this.close('idle-timeout')
  }

  private emit<E extends SandboxEventName>(name: E, payload: EventPayload<E>): void {
    const event = encodeEvent(name, payload, this.config.transport)
    const text = JSON.stringify(event.json)
    this.deps.log('debug', 'event', { session: this.id, channel: event.channel, event: text })
    if (event.channel === 'data-channel') this.livekit?.sendEvent(new TextEncoder().encode(text))
    else if (this.chatSocket?.readyState === this.chatSocket?.OPEN) this.chatSocket?.send(text)
  }

  private pumpAudio(): void {
    // A fresh buffer per frame: the encoder's stdin may still hold the previous one by reference.
    const { frame, rms } = this.speaker.nextFrame(new Int16Array(AUDIO_FRAME_SAMPLES))
    this.media?.writeAudio(frame, rms)
  }

  private async startMedia(connection: SignalConnection, tracks: AvatarTracks): Promise<void> {
    await this.mediaStarting
    if (this.livekit !== connection || !this.isOpen) return
    this.mediaStarting = (async () => {
      // A fresh encoder per connection starts on a keyframe, so a reconnecting client sees a picture at once.
      await this.media?.stop()
      this.media = undefined
      const profile = VIDEO_PROFILES[this.config.quality]
      const frames = cachedFrameSet(
        this.config.avatar.look,
        lookOf(this.config.avatar),
        profile.width,
        profile.height,
      )
      const media = await AvatarMedia.start({
        registry: this.deps.registry,
        codec: this.deps.codec,
        profile,
        frames,
        log: this.deps.log,
      })
      if (this.livekit !== connection || !this.isOpen) {
        await media.stop()
        return
      }
      media.attach(tracks)
      this.media = media
    })()
    await this.mediaStarting.catch((error: unknown) =>
      this.deps.log('error', 'media: could not start encoders', { session: this.id, error: String(error) }),
    )
  }

  private async stopMedia(): Promise<void> {
    await this.mediaStarting?.catch(() => {})
    const media = this.media
    this.media = undefined
    await media?.stop()
  }

  /** The SDK's LiveKit text transport: `JSON.stringify(text)` in a user packet, or push-to-talk commands. */
  private receiveClientData(payload: Uint8Array): void {
    if (!this.isOpen) return
    this.touch()
    let message: unknown
    try {
      message = JSON.parse(new TextDecoder().decode(payload))
    } catch {
      return
    }
    if (typeof message !== 'string') return
    if (message === 'push_to_talk:start' || message === 'push_to_talk:stop') return this.pushToTalk(message)
    this.speak('talk', message, 'async').catch(() => {})
  }

  /** While the visitor holds the talk button the provider listens: that is the visitor's turn. */
  private pushToTalk(command: 'push_to_talk:start' | 'push_to_talk:stop'): void {
    this.voiceChatActive = true
    if (command === 'push_to_talk:start') {
      this.visitorUtteranceId = randomUUID()
      this.emit('user_start', { task_id: this.visitorUtteranceId })
    } else {
      this.emit('user_stop', { task_id: this.visitorUtteranceId })
    }
  }

  private receiveChatFrame(bytes: Buffer): void {
    if (!this.isOpen) return
    let frame: ReturnType<typeof decodeChatFrame>
    try {
      frame = decodeChatFrame(bytes)
    } catch {
      return
    }
    if (frame.kind === 'text') {
      this.touch()
      this.speak('talk', frame.text, 'async').catch(() => {})
    } else if (frame.kind === 'audio') {
      this.voiceChatActive = true
      // Only heard speech is activity: the SDK streams silence while muted, and that must not keep a session alive.
      const change = this.voiceActivity.push(frame.pcm, frame.sampleRate)
      if (change === 'start') {
        this.touch()
        this.visitorUtteranceId = randomUUID()
        this.emit('user_start', { task_id: this.visitorUtteranceId })
      }
      if (change === 'stop') this.emit('user_stop', { task_id: this.visitorUtteranceId })
    }
  }

  private assertOpen(): void {
    if (!this.isOpen) throw new SessionClosedError(this.id)
  }
}
