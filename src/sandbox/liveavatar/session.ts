import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { delay } from '../http'
import {
  RoomSession,
  type CloseReason,
  type RoomSessionConfig,
  type SessionDeps,
  type SessionSnapshot,
} from '../session/room-session'
import type { SpeakerEvents } from '../speech/speaker'
import {
  agentCommandSchema,
  decodePcm16,
  liteCommandSchema,
  liteSpeakEvent,
  liteStateUpdated,
  type AgentCommand,
  type LiteCommand,
} from './commands'
import {
  AGENT_CONTROL_TOPIC,
  AGENT_RESPONSE_TOPIC,
  encodeAgentEvent,
  type AgentEventFields,
  type AgentEventType,
  type SessionEndReason,
} from './events'
import { LiteAudioQueue } from './lite-audio'
import { MicActivity } from './mic-activity'
import type { LiveAvatarMode } from './schemas'

/** The avatar's identity in the room: the SDK takes media only from this participant. */
export const AVATAR_IDENTITY = 'heygen'
export const AGENT_IDENTITY_PREFIX = 'liveavatar-agent-'

/**
 * What the sandbox "hears" when the visitor speaks. It has no speech-to-text offline (no model, no network),
 * so a spoken question is transcribed as this fixed, plausible one; what matters to the app is that speech
 * yields the user events and an answer.
 */
export const HEARD_QUESTION = 'What can you tell me about this place?'

/**
 * How long the SDK gets to act on `session.stopped` (it leaves the room and closes the LITE socket) before
 * the server's own socket close or LiveKit leave would overtake it and turn SERVER_INITIATED into
 * UNKNOWN_REASON. werift sometimes loses a data message and resends it only after its 1 s minimum RTO.
 */
const FAREWELL_MAX_MS = 2500
const FAREWELL_POLL_MS = 50
const MIC_POLL_MS = 200

export interface LiveAvatarSessionConfig extends RoomSessionConfig {
  mode: LiveAvatarMode
  interactivity: 'CONVERSATIONAL' | 'PUSH_TO_TALK'
  /** Why the duration timer ends it: MAX_DURATION_REACHED for both the token limit and sandbox sessions. */
  isSandbox: boolean
}

const END_REASONS: Readonly<Record<Exclude<CloseReason, 'server-stop'>, SessionEndReason>> = {
  stopped: 'USER_CLOSED',
  'idle-timeout': 'IDLE_TIMEOUT',
  'session-limit': 'MAX_DURATION_REACHED',
  'sandbox-shutdown': 'SERVER_ERROR',
}

/**
 * A LiveAvatar session. FULL: commands on `agent-control`, events on `agent-response`, the provider's brain
 * answering `speak_response` and what the visitor says. LITE: the app's own speech audio over a WebSocket,
 * played at real-time pace with the mouth following it.
 */
export class LiveAvatarSession extends RoomSession {
  readonly protocol = 'liveavatar'
  endReason: SessionEndReason | null = null
  private readonly lite: LiteAudioQueue | undefined
  private liteSocket: WebSocket | undefined
  private readonly mic = new MicActivity()
  private micPoll: NodeJS.Timeout | undefined
  /** The visitor's current turn: its user.* events share this source id. */
  private visitorTurn: { id: string; heardVoice: boolean } | undefined
  private pushToTalkOpen = false
  /** Speech task id → the command it answers, for `source_event_id`. */
  private readonly sources = new Map<string, string | null>()
  private serverStopReason: SessionEndReason = 'SERVER_ERROR'

  constructor(
    override readonly config: LiveAvatarSessionConfig,
    deps: SessionDeps,
  ) {
    super(config, deps, {
      avatarIdentity: AVATAR_IDENTITY,
      // FULL's start() waits up to 30 s for the agent too; LITE has none.
      extraIdentities: config.mode === 'FULL' ? [`${AGENT_IDENTITY_PREFIX}${config.id}`] : [],
      eventTopic: AGENT_RESPONSE_TOPIC,
      warmupPackets: 3,
    })
    if (config.mode === 'LITE') {
      this.lite = new LiteAudioQueue({
        started: (eventId) => this.sendLite(liteSpeakEvent('agent.speak_started', eventId)),
        ended: (eventId) => {
          this.sendLite(liteSpeakEvent('agent.speak_ended', eventId))
          this.touch()
        },
      })
    }
  }

  protected speakerEvents(): SpeakerEvents {
    return {
      startTalking: (taskId) => this.emit('avatar.speak_started', this.sourceOf(taskId), {}),
      word: (taskId, message) =>
        this.emit('avatar.transcription.chunk', this.sourceOf(taskId), { text: message }),
      endMessage: (taskId, text) => this.emit('avatar.transcription', this.sourceOf(taskId), { text }),
      stopTalking: (taskId) => {
        this.emit('avatar.speak_ended', this.sourceOf(taskId), {})
        this.sources.delete(taskId)
      },
    }
  }

  protected override snapshotExtras(): Partial<SessionSnapshot> {
    return {
      mode: this.config.mode,
      endReason: this.endReason,
      ...(this.lite ? { audioUtterances: this.lite.records.map((record) => ({ ...record })) } : {}),
    }
  }

  /** The control API's visitor: the user events, then (FULL) the provider's answer. */
  userSays(text: string): { taskId: string; answered: boolean } {
    this.assertOpen()
    this.touch()
    const turn = randomUUID()
    this.emit('user.speak_started', turn, {})
    this.emit('user.transcription.chunk', turn, { text })
    this.emit('user.speak_ended', turn, {})
    this.emit('user.transcription', turn, { text })
    const answered = this.config.mode === 'FULL'
    if (answered) {
      // The visitor talking over the avatar cuts it off, as with speech on the microphone.
      this.stopSpeech()
      this.answer(text)
    }
    return { taskId: turn, answered }
  }

  /** The LITE command socket at `ws_url`. */
  attachLiteSocket(ws: WebSocket): void {
    if (!this.isOpen || !this.lite) {
      ws.close(1008, 'session closed')
      return
    }
    this.liteSocket?.terminate()
    this.liteSocket = ws
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.receiveLiteCommand((data as Buffer).toString('utf8'))
    })
    ws.on('close', () => {
      if (this.liteSocket === ws) this.liteSocket = undefined
    })
    ws.send(liteStateUpdated('connected'))
  }

  /** Fault: the provider ends the session on its own, with `session.stopped`. */
  serverStop(reason: SessionEndReason): boolean {
    if (!this.isOpen) return false
    this.serverStopReason = reason
    void this.close('server-stop')
    return true
  }

  /** Fault: the LITE socket dies without a closing handshake. */
  override dropChatSocket(): boolean {
    if (!this.liteSocket) return false
    this.liteSocket.terminate()
    this.liteSocket = undefined
    return true
  }

  protected receiveClientData(payload: Uint8Array, topic: string | undefined): void {
    if (topic !== AGENT_CONTROL_TOPIC) return
    let json: unknown
    try {
      json = JSON.parse(new TextDecoder().decode(payload))
    } catch {
      return
    }
    const command = agentCommandSchema.safeParse(json)
    if (!command.success) {
      this.deps.log('debug', 'liveavatar: ignored command', { session: this.id, payload: json })
      return
    }
    this.touch()
    this.runCommand(command.data)
  }

  protected override onMicrophoneRtp(payloadBytes: number): void {
    const change = this.mic.packet(payloadBytes, performance.now())
    if (this.visitorTurn && change === undefined && this.mic.isTalking) this.visitorTurn.heardVoice = true
    this.onMicChange(change)
  }

  protected override stopSpeech(): void {
    this.speaker.interrupt()
    this.lite?.interrupt()
  }

  protected override nextAudioFrame(frame: Int16Array): { frame: Int16Array; rms: number } {
    if (this.lite?.speaking) return this.lite.nextFrame(frame)
    return this.speaker.nextFrame(frame)
  }

  protected override get busy(): boolean {
    return this.speaker.speaking || (this.lite?.speaking ?? false)
  }

  protected override async farewell(reason: CloseReason): Promise<void> {
    clearInterval(this.micPoll)
    this.endReason = reason === 'server-stop' ? this.serverStopReason : END_REASONS[reason]
    const connected = this.livekit !== undefined || this.liteSocket !== undefined
    if (connected && reason !== 'sandbox-shutdown') {
      this.emit('session.stopped', null, { stop_reason: this.endReason, end_reason: this.endReason })
      this.sendLite(liteStateUpdated('closed'))
      const deadline = Date.now() + FAREWELL_MAX_MS
      while ((this.livekit !== undefined || this.liteSocket !== undefined) && Date.now() < deadline) {
        await delay(FAREWELL_POLL_MS)
      }
    }
    this.liteSocket?.close(1000, 'session stopped')
    this.liteSocket = undefined
  }

  private runCommand(command: AgentCommand): void {
    const source = command.event_id ?? randomUUID()
    switch (command.event_type) {
      case 'avatar.speak_text':
      case 'avatar.speak_response': {
        // LITE has no voice of its own: the SDK refuses these there, and so does the provider.
        if (this.config.mode !== 'FULL') return
        this.sources.set(source, command.event_id ?? null)
        const type = command.event_type === 'avatar.speak_text' ? 'repeat' : 'talk'
        this.speak(type, command.text, 'async', source).catch((error: unknown) => {
          // No speak_ended will come for it (refused or not synthesised): forget its source here.
          this.sources.delete(source)
          this.deps.log('warn', 'liveavatar: speech failed', { session: this.id, error: String(error) })
        })
        return
      }
      case 'avatar.interrupt':
        this.stopSpeech()
        return
      case 'user.start_push_to_talk':
        this.pushToTalkOpen = true
        this.emit('user.push_to_talk_started', null, {})
        this.beginVisitorTurn()
        return
      case 'user.stop_push_to_talk':
        this.pushToTalkOpen = false
        this.emit('user.push_to_talk_stopped', null, {})
        this.endVisitorTurn()
        return
      case 'avatar.start_listening':
      case 'avatar.stop_listening':
        // A listening pose; the drawn character has none. The call still counts as activity.
        return
    }
  }

  private receiveLiteCommand(text: string): void {
    if (!this.isOpen || !this.lite) return
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return
    }
    const command = liteCommandSchema.safeParse(json)
    if (!command.success) {
      this.deps.log('debug', 'liveavatar: ignored LITE command', { session: this.id })
      return
    }
    this.touch()
    this.runLiteCommand(command.data, this.lite)
  }

  private runLiteCommand(command: LiteCommand, lite: LiteAudioQueue): void {
    switch (command.type) {
      case 'agent.speak':
        if (!lite.append(command.event_id, decodePcm16(command.audio))) {
          this.deps.log('warn', 'liveavatar: LITE audio buffer full, chunk dropped', { session: this.id })
        }
        return
      case 'agent.speak_end':
        lite.end(command.event_id)
        return
      case 'agent.interrupt':
        lite.interrupt()
        return
      default:
        // start/stop listening and keep-alive: activity, nothing else.
        return
    }
  }

  /** Voice activity on the published microphone: the visitor's turn in conversational FULL sessions. */
  private onMicChange(change: 'start' | 'stop' | undefined): void {
    if (this.config.mode !== 'FULL' || change === undefined) return
    // In push-to-talk the button bounds the turn; the detector only says whether anything was said.
    if (this.config.interactivity === 'PUSH_TO_TALK') {
      if (change === 'start' && this.visitorTurn) this.visitorTurn.heardVoice = true
      return
    }
    if (change === 'start') {
      this.micPoll ??= setInterval(() => this.onMicChange(this.mic.poll(performance.now())), MIC_POLL_MS)
      this.beginVisitorTurn()
      if (this.visitorTurn) this.visitorTurn.heardVoice = true
    } else {
      clearInterval(this.micPoll)
      this.micPoll = undefined
      this.endVisitorTurn()
    }
  }

  private beginVisitorTurn(): void {
    if (this.visitorTurn) return
    this.touch()
    this.visitorTurn = { id: randomUUID(), heardVoice: this.mic.isTalking }
    // The visitor talking over the avatar cuts it off, as the provider's voice chat does.
    this.stopSpeech()
    this.emit('user.speak_started', this.visitorTurn.id, {})
  }

  private endVisitorTurn(): void {
    const turn = this.visitorTurn
    if (!turn) return
    this.visitorTurn = undefined
    this.emit('user.speak_ended', turn.id, {})
    // Nothing said (an empty push-to-talk press): nothing to transcribe or answer.
    if (!turn.heardVoice || this.pushToTalkOpen) return
    this.emit('user.transcription.chunk', turn.id, { text: HEARD_QUESTION })
    this.emit('user.transcription', turn.id, { text: HEARD_QUESTION })
    this.answer(HEARD_QUESTION)
  }

  private answer(question: string): void {
    this.speak('talk', question, 'async').catch((error: unknown) =>
      this.deps.log('warn', 'responder answer failed', { session: this.id, error: String(error) }),
    )
  }

  private sourceOf(taskId: string): string | null {
    return this.sources.get(taskId) ?? null
  }

  private emit<E extends AgentEventType>(
    type: E,
    sourceEventId: string | null,
    fields: AgentEventFields<E>,
  ): void {
    this.sendRoomEvent(encodeAgentEvent(type, { sessionId: this.id, sourceEventId }, fields))
  }

  private sendLite(text: string): void {
    if (this.liteSocket?.readyState === this.liteSocket?.OPEN) this.liteSocket?.send(text)
  }
}
