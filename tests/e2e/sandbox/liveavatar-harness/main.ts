import {
  AgentEventsEnum,
  LiveAvatarSession,
  SessionEvent,
  SessionInteractivityMode,
  VoiceChatEvent,
  type VoiceChatConfig,
} from '@heygen/liveavatar-web-sdk'
import type { HarnessEvent, LiveAvatarHarness, LiveAvatarStartOptions, LiveAvatarStartResult } from './api'

/**
 * A page that drives the real, unmodified `@heygen/liveavatar-web-sdk` the way an app would, with nothing of
 * the app around it: the sandbox's LiveAvatar tests use it.
 */

const video = document.querySelector<HTMLVideoElement>('#avatar')!
const recorded: HarnessEvent[] = []
const waiters = new Set<() => void>()
const audioSamples: { at: number; rms: number }[] = []
const packets: HarnessEvent[] = []
let session: LiveAvatarSession | undefined

function record(type: string, detail: unknown): void {
  recorded.push({ type, at: performance.now(), detail })
  for (const wake of [...waiters]) wake()
}

function waitForEvent(type: string, fromIndex = 0, timeoutMs = 15_000): Promise<HarnessEvent> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = recorded.slice(fromIndex).find((event) => event.type === type)
      if (!found) return false
      waiters.delete(wake)
      clearTimeout(timer)
      resolve(found)
      return true
    }
    const wake = (): void => void check()
    const timer = setTimeout(() => {
      waiters.delete(wake)
      reject(new Error(`no ${type} event within ${timeoutMs} ms`))
    }, timeoutMs)
    waiters.add(wake)
    check()
  })
}

/** WebAudio sees remote WebRTC audio only while a media element plays the stream: the muted video does. */
function measureAudio(stream: MediaStream): void {
  const context = new AudioContext()
  const analyser = context.createAnalyser()
  analyser.fftSize = 2048
  context.createMediaStreamSource(stream).connect(analyser)
  const buffer = new Float32Array(analyser.fftSize)
  void context.resume()
  setInterval(() => {
    analyser.getFloatTimeDomainData(buffer)
    let sum = 0
    for (const sample of buffer) sum += sample * sample
    audioSamples.push({ at: performance.now(), rms: Math.sqrt(sum / buffer.length) })
    if (audioSamples.length > 2000) audioSamples.splice(0, 1000)
  }, 50)
}

// Push-to-talk answers are not re-emitted by the SDK (it awaits them internally); the rest all are.
const EVENT_NAMES = [...Object.values(SessionEvent), ...Object.values(AgentEventsEnum)]

function voiceChatConfig(
  config: NonNullable<LiveAvatarStartOptions['voiceChat']>,
): boolean | VoiceChatConfig {
  if (typeof config === 'boolean') return config
  return {
    ...(config.defaultMuted === undefined ? {} : { defaultMuted: config.defaultMuted }),
    ...(config.mode === undefined ? {} : { mode: SessionInteractivityMode[config.mode] }),
  }
}

async function start(options: LiveAvatarStartOptions): Promise<LiveAvatarStartResult> {
  session = new LiveAvatarSession(options.token, {
    apiUrl: options.apiUrl,
    ...(options.voiceChat === undefined ? {} : { voiceChat: voiceChatConfig(options.voiceChat) }),
  })
  const current = session
  for (const name of EVENT_NAMES) {
    current.on(name as SessionEvent, (...args: unknown[]) => record(name, args[0]))
  }
  for (const name of Object.values(VoiceChatEvent)) {
    current.voiceChat.on(name, (...args: unknown[]) => record(`voice_chat.${name}`, args[0]))
  }
  // Every data packet as livekit-client delivers it, any topic: shows what reached the page, and when.
  const room = (current as unknown as { room: { on(event: string, cb: (...args: unknown[]) => void): void } })
    .room
  room.on('dataReceived', (...args: unknown[]) =>
    packets.push({ type: String(args[3] ?? ''), at: performance.now(), detail: null }),
  )
  current.on(SessionEvent.SESSION_STREAM_READY, () => {
    current.attach(video)
    void video.play().catch(() => {})
    if (video.srcObject instanceof MediaStream) measureAudio(video.srcObject)
  })
  const startedAt = performance.now()
  const result = (error?: unknown): LiveAvatarStartResult => {
    // This start's ready event: the page may already hold those of earlier sessions.
    const ready = recorded.find(
      (event) => event.type === SessionEvent.SESSION_STREAM_READY && event.at >= startedAt,
    )
    return {
      ok: error === undefined,
      ...(error === undefined
        ? {}
        : {
            error: error instanceof Error ? error.message : String(error),
            ...(typeof error === 'object' && error !== null && 'errorCode' in error
              ? { errorCode: Number((error as { errorCode: unknown }).errorCode) }
              : {}),
          }),
      sessionId: current.sessionId,
      mode: current.mode,
      state: current.state,
      startMs: performance.now() - startedAt,
      readyMs: ready ? ready.at - startedAt : null,
    }
  }
  try {
    await current.start()
  } catch (error) {
    return result(error)
  }
  await waitForEvent(SessionEvent.SESSION_STREAM_READY, 0, options.readyTimeoutMs ?? 15_000)
  return result()
}

function current(): LiveAvatarSession {
  if (!session) throw new Error('start() first')
  return session
}

const harness: LiveAvatarHarness = {
  start,
  repeat: (text) => current().repeat(text),
  message: (text) => current().message(text),
  repeatAudio: (audio) => current().repeatAudio(audio),
  interrupt: () => current().interrupt(),
  keepAlive: () => current().keepAlive(),
  stop: () => current().stop(),
  startPushToTalk: () => current().voiceChat.startPushToTalk(),
  stopPushToTalk: () => current().voiceChat.stopPushToTalk(),
  state: () => current().state,
  events: () => recorded.map((event) => ({ ...event })),
  dataPackets: () => packets.map((packet) => ({ ...packet })),
  waitForEvent,
  videoSize: () => [video.videoWidth, video.videoHeight],
  audioPeak: (since) =>
    audioSamples.filter((sample) => sample.at >= since).reduce((max, s) => Math.max(max, s.rms), 0),
  audioTrace: (since) => audioSamples.filter((sample) => sample.at >= since),
  now: () => performance.now(),
}

window.liveAvatarHarness = harness
