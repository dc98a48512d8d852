import StreamingAvatar, {
  StreamingEvents,
  TaskMode,
  TaskType,
  type StartAvatarResponse,
} from '@heygen/streaming-avatar'
import type {
  AvatarCapabilities,
  AvatarProvider,
  AvatarSession,
  AvatarSessionEvent,
  AvatarSessionEvents,
} from './avatar-provider'
import { SessionListeners } from './session-listeners'
import { toStartRequest } from './heygen-start-request'

/**
 * SDK fields it keeps private. The chat socket: a closed one means a dead session. The voice chat's
 * AudioContext: the SDK drops it without closing it (also when the microphone fails), and a page can only hold
 * so many, so a kiosk that reconnects all day would run out; we close it.
 */
interface SdkInternals {
  webSocket: WebSocket | null
  /** The factory wrapper, and inside it the transport's implementation. */
  voiceChat: { voiceChat?: { audioContext?: AudioContext | null } } | null
}

function text(detail: unknown): string {
  const message = (detail as { message?: unknown } | undefined)?.message
  return typeof message === 'string' ? message : ''
}

function taskId(detail: unknown): { taskId?: string } {
  const id = (detail as { task_id?: unknown } | undefined)?.task_id
  return typeof id === 'string' ? { taskId: id } : {}
}

/** The SDK's events, as the controller's provider-neutral events. */
const EVENT_MAP: readonly [StreamingEvents, AvatarSessionEvent, (detail: unknown) => unknown][] = [
  [StreamingEvents.AVATAR_START_TALKING, 'avatarStartTalking', taskId],
  [
    StreamingEvents.AVATAR_STOP_TALKING,
    'avatarStopTalking',
    (detail) => {
      const duration = (detail as { duration_ms?: unknown } | undefined)?.duration_ms
      return { ...taskId(detail), ...(typeof duration === 'number' ? { durationMs: duration } : {}) }
    },
  ],
  [StreamingEvents.AVATAR_TALKING_MESSAGE, 'avatarTalkingMessage', (detail) => ({ text: text(detail) })],
  [StreamingEvents.AVATAR_END_MESSAGE, 'avatarEndMessage', () => ({})],
  [StreamingEvents.USER_START, 'userStart', () => ({})],
  [StreamingEvents.USER_STOP, 'userStop', () => ({})],
  [StreamingEvents.USER_TALKING_MESSAGE, 'userTalkingMessage', (detail) => ({ text: text(detail) })],
  [StreamingEvents.USER_END_MESSAGE, 'userEndMessage', () => ({})],
  [
    StreamingEvents.CONNECTION_QUALITY_CHANGED,
    'connectionQuality',
    (detail) => ({ quality: String(detail) }),
  ],
]

class HeygenSession implements AvatarSession {
  private readonly listeners = new SessionListeners()
  private readonly sdkListeners: [string, (event: CustomEvent) => void][] = []
  private stopping: Promise<void> | undefined
  /** Kept because the SDK forgets it on stop without closing it. */
  private voiceAudio: AudioContext | undefined
  private streamValue: MediaStream | undefined
  readonly id: string
  readonly durationLimitMs: number | undefined
  /** The legacy API speaks text and has its own voice chat; it cannot lip-sync our audio. */
  readonly capabilities: AvatarCapabilities = { speaksText: true, speaksAudio: false, voiceChat: true }

  constructor(
    private readonly avatar: StreamingAvatar,
    info: StartAvatarResponse,
  ) {
    this.id = info.session_id
    this.durationLimitMs = info.session_duration_limit > 0 ? info.session_duration_limit * 1000 : undefined
    for (const [sdkEvent, name, map] of EVENT_MAP) {
      this.listenSdk(sdkEvent, (event) => this.emit(name, map(event.detail)))
    }
    this.listenSdk(StreamingEvents.STREAM_DISCONNECTED, (event) =>
      this.drop(`stream disconnected (${String(event.detail ?? 'unknown')})`),
    )
  }

  get stream(): MediaStream {
    if (!this.streamValue) throw new Error('The avatar stream is not ready yet')
    return this.streamValue
  }

  /** Resolves with the avatar's MediaStream once both its video and audio tracks are subscribed. */
  waitForStream(signal: AbortSignal): Promise<MediaStream> {
    return new Promise((resolve, reject) => {
      if (this.avatar.mediaStream) return resolve(this.avatar.mediaStream)
      this.listenSdk(StreamingEvents.STREAM_READY, (event) => resolve(event.detail as MediaStream))
      signal.addEventListener('abort', () => reject(abortError()), { once: true })
    })
  }

  /** After start: a closed chat socket or an ended media track also means the session is gone. */
  watchTransport(stream: MediaStream): void {
    this.streamValue = stream
    const socket = (this.avatar as unknown as SdkInternals).webSocket
    socket?.addEventListener('close', () => this.drop('chat socket closed'))
    for (const track of stream.getTracks())
      track.addEventListener('ended', () => this.drop(`${track.kind} track ended`))
  }

  on<Name extends AvatarSessionEvent>(
    name: Name,
    listener: (payload: AvatarSessionEvents[Name]) => void,
  ): () => void {
    return this.listeners.on(name, listener)
  }

  async speak(textToSay: string, options: { type: 'talk' | 'repeat'; async?: boolean }): Promise<void> {
    await this.avatar.speak({
      text: textToSay,
      taskType: options.type === 'talk' ? TaskType.TALK : TaskType.REPEAT,
      taskMode: options.async ? TaskMode.ASYNC : TaskMode.SYNC,
    })
  }

  speakAudio(): Promise<void> {
    return Promise.reject(new Error('HeyGen Interactive Avatar cannot speak our audio'))
  }

  async interrupt(): Promise<void> {
    await this.avatar.interrupt()
  }

  async keepAlive(): Promise<void> {
    await this.avatar.keepAlive()
  }

  async startVoiceChat({ muted }: { muted: boolean }): Promise<void> {
    // The SDK opens its AudioContext before asking for the microphone and loses it, unclosed, when that fails:
    // ask first, so a missing or refused microphone costs nothing.
    const probe = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    })
    for (const track of probe.getTracks()) track.stop()
    await this.avatar.startVoiceChat({ isInputAudioMuted: muted })
    this.voiceAudio = this.voiceChatAudioContext()
  }

  async closeVoiceChat(): Promise<void> {
    await this.avatar.closeVoiceChat()
  }

  setMicrophoneMuted(muted: boolean): void {
    if (muted) this.avatar.muteInputAudio()
    else this.avatar.unmuteInputAudio()
  }

  async pushToTalk(active: boolean): Promise<void> {
    if (active) await this.avatar.pushToTalkStart()
    else await this.avatar.pushToTalkStop()
  }

  stop(): Promise<void> {
    this.stopping ??= this.release()
    return this.stopping
  }

  /**
   * The SDK's `stopAvatar()` ends the session at the provider but leaves the LiveKit room and its peer
   * connections open; a kiosk that reconnects all day would leak them, so we close them too.
   */
  private async release(): Promise<void> {
    for (const [name, listener] of this.sdkListeners) this.avatar.off(name, listener)
    this.listeners.clear()
    const voiceAudio = this.voiceAudio ?? this.voiceChatAudioContext()
    try {
      await this.avatar.stopAvatar()
    } finally {
      await this.avatar.room?.disconnect(true).catch(() => undefined)
      for (const track of this.avatar.mediaStream?.getTracks() ?? []) track.stop()
      await closeAudioContext(voiceAudio)
    }
  }

  private voiceChatAudioContext(): AudioContext | undefined {
    return (this.avatar as unknown as SdkInternals).voiceChat?.voiceChat?.audioContext ?? undefined
  }

  private listenSdk(name: string, listener: (event: CustomEvent) => void): void {
    this.sdkListeners.push([name, listener])
    this.avatar.on(name, listener)
  }

  private emit(name: AvatarSessionEvent, payload: unknown): void {
    this.listeners.emit(name, payload)
  }

  private drop(reason: string): void {
    if (this.stopping) return
    this.emit('dropped', { reason })
  }
}

async function closeAudioContext(context: AudioContext | undefined): Promise<void> {
  if (context && context.state !== 'closed') await context.close().catch(() => undefined)
}

function abortError(): Error {
  return new DOMException('The avatar start was abandoned', 'AbortError')
}

/** HeyGen Interactive Avatar (and API-compatible providers such as the sandbox) through the official SDK. */
export function createHeygenProvider(): AvatarProvider {
  return {
    async start(token, options, hooks) {
      const avatar = new StreamingAvatar({ token: token.token, basePath: token.baseUrl })
      const request = toStartRequest(options)
      // newSession + startAvatar rather than createStartAvatar: main learns the session id before anything else
      // can fail, so the session can always be stopped.
      const info = await avatar.newSession(request)
      hooks.onSessionCreated(info.session_id)
      const session = new HeygenSession(avatar, info)
      const abandon = () => void session.stop().catch(() => undefined)
      hooks.signal.addEventListener('abort', abandon, { once: true })
      try {
        if (hooks.signal.aborted) throw abortError()
        const stream = session.waitForStream(hooks.signal)
        stream.catch(() => undefined)
        await avatar.startAvatar(request, info)
        const ready = await stream
        if (hooks.signal.aborted) throw abortError()
        session.watchTransport(ready)
        return session
      } catch (error) {
        await session.stop().then(
          () => hooks.onSessionStopped?.(info.session_id),
          () => undefined,
        )
        throw error
      } finally {
        hooks.signal.removeEventListener('abort', abandon)
      }
    },
  }
}
