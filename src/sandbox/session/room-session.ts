import { randomBytes, randomUUID } from 'node:crypto'
import { DisconnectReason } from '@livekit/protocol'
import type { WebSocket } from 'ws'
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
import { Speaker, type SpeakerEvents } from '../speech/speaker'
import { synthesize, type Voice } from '../speech/tts'
import { lookOf, type SandboxAvatar } from './avatars'
import { appendTask, type TaskRecord, type TaskType } from './task-log'

export type Protocol = 'heygen' | 'liveavatar'
export type { TaskType } from './task-log'
export type TaskMode = 'sync' | 'async'
export type CloseReason =
  | 'stopped'
  | 'idle-timeout'
  | 'session-limit'
  | 'sandbox-shutdown'
  /** The provider ended the session on its own (the `server-stop` fault). */
  | 'server-stop'

/** One utterance of LITE speech audio as the sandbox received and played it; times are epoch milliseconds. */
export interface AudioUtteranceRecord {
  eventId: string
  /** When the first `agent.speak` chunk arrived. */
  firstChunkAt: number
  /** When `agent.speak_end` arrived, i.e. the whole utterance was there; null until then. */
  receivedAt: number | null
  /** PCM samples received, at the SDK's 24 kHz. */
  samples: number
  startedAt: number | null
  endedAt: number | null
  interrupted: boolean
}

/** One entry of GET /__sandbox/sessions; times are epoch milliseconds. */
export interface SessionSnapshot {
  id: string
  protocol: Protocol
  state: 'open' | 'closed'
  createdAt: number
  closedAt: number | null
  closeReason: CloseReason | null
  quality: AvatarQuality
  /** Legacy only: where the SDK's voice chat goes. */
  transport?: 'websocket' | 'livekit'
  /** LiveAvatar only. */
  mode?: 'FULL' | 'LITE'
  /** LiveAvatar only: the reason sent in `session.stopped`. */
  endReason?: string | null
  /** The client published a microphone track into the room. */
  microphonePublished: boolean
  tasks: TaskRecord[]
  /** LiveAvatar LITE only: the speech audio the app sent. */
  audioUtterances?: AudioUtteranceRecord[]
}

export interface RoomSessionConfig {
  id: string
  livekitToken: string
  quality: AvatarQuality
  avatar: SandboxAvatar
  voice: Voice
  persona: Persona
  idleTimeoutSeconds: number
  sessionLimitSeconds: number
}

export interface SessionDeps {
  registry: ProcessRegistry
  codec: VideoCodec
  log: SandboxLogger
  onClosed(session: RoomSession): void
}

/** How a protocol dresses the room: who the avatar is, who else is there, how events are labelled. */
export interface RoomShape {
  avatarIdentity: string
  extraIdentities: readonly string[]
  eventTopic: string | undefined
  warmupPackets: number
}

export interface SpokenTask {
  taskId: string
  durationMs: number
}

/**
 * Speech tasks queued or playing at once, per session. A client flooding tasks would otherwise queue
 * synthesis and audio without end; more are refused with SpeechQueueFullError.
 */
export const MAX_TASKS_IN_FLIGHT = 16

/** Too many speech tasks queued: each front-end answers with its provider's rate-limit error. */
export class SpeechQueueFullError extends Error {
  constructor(id: string, limit: number) {
    super(`session ${id} already has ${limit} speech tasks in flight`)
    this.name = 'SpeechQueueFullError'
  }
}

export class SessionClosedError extends Error {
  constructor(id: string) {
    super(`session ${id} is closed`)
    this.name = 'SessionClosedError'
  }
}

/**
 * What both protocol front-ends share: a LiveKit room with the drawn avatar in it (one signal connection, its
 * encoders), a voice that speaks queued text at real-time pace, a task log, and the timers that end a session
 * the way the provider does. Subclasses say how speech and client data map onto their protocol's events.
 */
export abstract class RoomSession {
  abstract readonly protocol: Protocol
  readonly createdAt = Date.now()
  closedAt: number | null = null
  closeReason: CloseReason | null = null
  readonly tasks: SessionSnapshot['tasks'] = []
  readonly room: RoomIdentity
  microphonePublished = false

  protected readonly speaker: Speaker
  protected livekit: SignalConnection | undefined
  private readonly clock: AudioClock
  private media: AvatarMedia | undefined
  private mediaStarting: Promise<void> | undefined
  /** Every connection not yet closed, including ones still saying goodbye after a leave. */
  private readonly connections = new Set<SignalConnection>()
  private idleTimer: NodeJS.Timeout | undefined
  private readonly limitTimer: NodeJS.Timeout
  /**
   * The log record of each task queued or playing, by task id, so its speech start can be noted; an entry
   * leaves when its task settles (spoken, interrupted or failed), which bounds the map by MAX_TASKS_IN_FLIGHT.
   */
  private readonly taskRecords = new Map<string, TaskRecord>()

  constructor(
    readonly config: RoomSessionConfig,
    protected readonly deps: SessionDeps,
    shape: RoomShape,
  ) {
    const suffix = (): string => randomBytes(6).toString('hex')
    const profile = VIDEO_PROFILES[config.quality]
    this.room = {
      roomName: `sandbox-${config.id}`,
      roomSid: `RM_${suffix()}`,
      clientSid: `PA_${suffix()}`,
      clientIdentity: `client-${suffix()}`,
      avatarSid: `PA_${suffix()}`,
      avatarIdentity: shape.avatarIdentity,
      videoTrackSid: `TR_V${suffix()}`,
      audioTrackSid: `TR_A${suffix()}`,
      videoWidth: profile.width,
      videoHeight: profile.height,
      videoMimeType: deps.codec === 'h264' ? 'video/H264' : 'video/VP8',
      extraParticipants: shape.extraIdentities.map((identity) => ({ sid: `PA_${suffix()}`, identity })),
      eventTopic: shape.eventTopic,
      warmupPackets: shape.warmupPackets,
    }
    const events = this.speakerEvents()
    this.speaker = new Speaker({
      ...events,
      startTalking: (taskId) => {
        const record = this.taskRecords.get(taskId)
        if (record) record.startedAt = Date.now()
        events.startTalking(taskId)
      },
      stopTalking: (taskId, durationMs, interrupted) => {
        events.stopTalking(taskId, durationMs, interrupted)
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

  /** The protocol's events for the avatar's speech; called once, from the constructor. */
  protected abstract speakerEvents(): SpeakerEvents
  /** A user data packet from the client's publisher connection. */
  protected abstract receiveClientData(payload: Uint8Array, topic: string | undefined): void
  /** What the provider's speech-to-text would report for a visitor's words, and its answer if it gives one. */
  abstract userSays(text: string): { taskId: string; answered: boolean }

  get id(): string {
    return this.config.id
  }

  get isOpen(): boolean {
    return this.closedAt === null
  }

  snapshot(): SessionSnapshot {
    return {
      id: this.id,
      protocol: this.protocol,
      state: this.isOpen ? 'open' : 'closed',
      createdAt: this.createdAt,
      closedAt: this.closedAt,
      closeReason: this.closeReason,
      quality: this.config.quality,
      microphonePublished: this.microphonePublished,
      tasks: this.tasks.map((task) => ({ ...task })),
      ...this.snapshotExtras(),
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
  async speak(
    type: TaskType,
    text: string,
    mode: TaskMode,
    taskId: string = randomUUID(),
  ): Promise<SpokenTask> {
    this.assertOpen()
    if (this.speaker.inFlight >= MAX_TASKS_IN_FLIGHT)
      throw new SpeechQueueFullError(this.id, MAX_TASKS_IN_FLIGHT)
    this.touch()
    const record = appendTask(this.tasks, type, text)
    const spoken = type === 'talk' ? respond(text, this.config.persona) : text
    const pcm = synthesize(this.deps.registry, spoken, this.config.voice)
    this.taskRecords.set(taskId, record)
    const outcome = this.speaker.enqueue(taskId, spoken, pcm)
    const forget = (): void => {
      // A reused task id must not lose the newer task's record.
      if (this.taskRecords.get(taskId) === record) this.taskRecords.delete(taskId)
    }
    outcome.then(forget, forget)
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
    this.stopSpeech()
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
      onClientData: (payload, topic) => {
        if (this.isOpen) this.receiveClientData(payload, topic)
      },
      onMicrophone: () => {
        this.microphonePublished = true
        this.onMicrophone()
      },
      onMicrophoneRtp: (payloadBytes) => {
        if (this.isOpen) this.onMicrophoneRtp(payloadBytes)
      },
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

  /** Fault: the provider's LiveKit server drops the client. The session itself stays open, and billed. */
  disconnectLiveKit(): boolean {
    if (!this.livekit) return false
    this.livekit.leave(DisconnectReason.SERVER_SHUTDOWN)
    return true
  }

  /** Fault (legacy): the chat socket dies without a closing handshake. */
  dropChatSocket(): boolean {
    return false
  }

  async close(reason: CloseReason): Promise<void> {
    if (!this.isOpen) return
    this.closedAt = Date.now()
    this.closeReason = reason
    clearTimeout(this.idleTimer)
    clearTimeout(this.limitTimer)
    this.deps.log('info', 'session closed', { session: this.id, protocol: this.protocol, reason })
    this.stopSpeech()
    this.clock.stop()
    await this.farewell(reason)
    const connection = this.livekit
    this.livekit = undefined
    if (reason === 'sandbox-shutdown') await connection?.close()
    else connection?.leave(DisconnectReason.ROOM_DELETED)
    await this.stopMedia()
    this.deps.onClosed(this)
  }

  /** Closes connections at once, without waiting out the grace period after a leave. */
  async releaseConnections(): Promise<void> {
    await Promise.all([...this.connections].map((connection) => connection.close()))
  }

  protected snapshotExtras(): Partial<SessionSnapshot> {
    return {}
  }

  /** The client published a microphone. */
  protected onMicrophone(): void {}

  protected onMicrophoneRtp(_payloadBytes: number): void {}

  /** Flushes everything the avatar is saying or about to say, with the end events. */
  protected stopSpeech(): void {
    this.speaker.interrupt()
  }

  /** The next 20 ms of the avatar's voice. */
  protected nextAudioFrame(frame: Int16Array): { frame: Int16Array; rms: number } {
    return this.speaker.nextFrame(frame)
  }

  /** Whether the avatar is busy talking, which postpones the idle timeout. */
  protected get busy(): boolean {
    return this.speaker.speaking
  }

  /** The protocol's goodbye, after the speech stopped and before the room is closed. */
  protected async farewell(_reason: CloseReason): Promise<void> {}

  protected sendRoomEvent(json: Record<string, unknown>): void {
    const text = JSON.stringify(json)
    this.deps.log('debug', 'event', { session: this.id, channel: 'data-channel', event: text })
    this.livekit?.sendEvent(new TextEncoder().encode(text))
  }

  protected assertOpen(): void {
    if (!this.isOpen) throw new SessionClosedError(this.id)
  }

  private onIdle(): void {
    if (this.busy) {
      this.touch()
      return
    }
    void this.close('idle-timeout')
  }

  private pumpAudio(): void {
    // A fresh buffer per frame: the encoder's stdin may still hold the previous one by reference.
    const { frame, rms } = this.nextAudioFrame(new Int16Array(AUDIO_FRAME_SAMPLES))
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
}
