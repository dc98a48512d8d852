import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { SpeakerEvents } from '../speech/speaker'
import {
  RoomSession,
  type CloseReason,
  type RoomSessionConfig,
  type SessionDeps,
  type SessionSnapshot,
} from '../session/room-session'
import { encodeEvent, type EventPayload, type SandboxEventName, type VoiceChatTransport } from './events'
import { decodeChatFrame } from './pipecat'
import { answersVisitor } from './provider-mode'
import { VoiceActivity } from './voice-activity'

export interface HeygenSessionConfig extends RoomSessionConfig {
  transport: VoiceChatTransport
}

/**
 * A legacy Interactive Avatar session: events named `avatar_start_talking` &c. on the data channel or the
 * pipecat chat socket, text and push-to-talk as JSON strings in LiveKit user packets, mic audio on the socket.
 */
export class HeygenSession extends RoomSession {
  readonly protocol = 'heygen'
  private readonly voiceActivity = new VoiceActivity()
  private visitorUtteranceId = randomUUID()
  private voiceChatActive = false
  private chatSocket: WebSocket | undefined

  constructor(
    override readonly config: HeygenSessionConfig,
    deps: SessionDeps,
  ) {
    super(config, deps, {
      avatarIdentity: config.avatar.avatarId,
      extraIdentities: [],
      eventTopic: undefined,
      warmupPackets: 0,
    })
  }

  protected speakerEvents(): SpeakerEvents {
    return {
      startTalking: (taskId) => this.emit('avatar_start_talking', { task_id: taskId }),
      word: (taskId, message) => this.emit('avatar_talking_message', { task_id: taskId, message }),
      endMessage: (taskId) => this.emit('avatar_end_message', { task_id: taskId }),
      stopTalking: (taskId, durationMs) =>
        this.emit('avatar_stop_talking', { task_id: taskId, duration_ms: durationMs }),
    }
  }

  protected override snapshotExtras(): Partial<SessionSnapshot> {
    return { transport: this.config.transport }
  }

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

  override dropChatSocket(): boolean {
    if (!this.chatSocket) return false
    this.chatSocket.terminate()
    this.chatSocket = undefined
    return true
  }

  protected override onMicrophone(): void {
    this.voiceChatActive = true
  }

  protected override async farewell(_reason: CloseReason): Promise<void> {
    this.chatSocket?.close(1000, 'session closed')
    this.chatSocket = undefined
  }

  private emit<E extends SandboxEventName>(name: E, payload: EventPayload<E>): void {
    const event = encodeEvent(name, payload, this.config.transport)
    if (event.channel === 'data-channel') {
      this.sendRoomEvent(event.json)
      return
    }
    const text = JSON.stringify(event.json)
    this.deps.log('debug', 'event', { session: this.id, channel: event.channel, event: text })
    if (this.chatSocket?.readyState === this.chatSocket?.OPEN) this.chatSocket?.send(text)
  }

  /** The SDK's LiveKit text transport: `JSON.stringify(text)` in a user packet, or push-to-talk commands. */
  protected receiveClientData(payload: Uint8Array): void {
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
}
