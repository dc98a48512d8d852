import type { AvatarQuality } from '@heygen/streaming-avatar'
import StreamingAvatar, {
  StreamingEvents,
  TaskMode,
  TaskType,
  VoiceChatTransport,
} from '@heygen/streaming-avatar'
import { installChatSocketUrlFix } from '../../../../src/renderer/src/provider/chat-socket-url'
import type { FrameStats, HarnessEvent, HarnessStartOptions, HarnessStartResult, SandboxHarness } from './api'

/**
 * A page that drives the real, unmodified SDK the way an app would, with nothing of the app around it: the
 * sandbox tests use it, and so can a "bare SDK" benchmark.
 */

const video = document.querySelector<HTMLVideoElement>('#avatar')!
const recorded: HarnessEvent[] = []
const waiters = new Set<() => void>()
const audioSamples: { at: number; rms: number }[] = []
let avatar: StreamingAvatar | undefined

function record(type: string, detail: unknown): void {
  recorded.push({ type, at: performance.now(), detail })
  for (const wake of [...waiters]) wake()
}

async function createToken(baseUrl: string, apiKey: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/streaming.create_token`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: '{}',
  })
  if (!response.ok) throw new Error(`create_token failed: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as { data: { token: string } }
  return body.data.token
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

const isKeyGreen = (r: number, g: number, b: number): boolean => g > 180 && r < 90 && b < 90

function frameStats(): FrameStats {
  const width = video.videoWidth
  const height = video.videoHeight
  if (width === 0 || height === 0) throw new Error('no video frame yet')
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d', { willReadFrequently: true })!
  context.drawImage(video, 0, 0, width, height)
  const pixels = context.getImageData(0, 0, width, height).data
  const bandX = Math.round(width * 0.12)
  const bandY = Math.round(height * 0.12)
  let green = 0
  let border = 0
  let borderGreen = 0
  let center = 0
  let centerNonGreen = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      const keyed = isKeyGreen(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!)
      if (keyed) green++
      if (x < bandX || x >= width - bandX || y < bandY || y >= height - bandY) {
        border++
        if (keyed) borderGreen++
      }
      if (Math.abs(x - width / 2) < width * 0.08 && Math.abs(y - height * 0.45) < height * 0.15) {
        center++
        if (!keyed) centerNonGreen++
      }
    }
  }
  // The sandbox character's mouth sits at 430/720 of the height, centred.
  const mouth = context.getImageData(
    Math.round(width / 2 - height * 0.07),
    Math.round(height * 0.55),
    Math.round(height * 0.14),
    Math.round(height * 0.09),
  ).data
  let open = 0
  for (let i = 0; i < mouth.length; i += 4) {
    const [r, g, b] = [mouth[i]!, mouth[i + 1]!, mouth[i + 2]!]
    if (r < 140 && g < 70 && b < 80 && r > g + 30) open++
  }
  return {
    width,
    height,
    green: green / (width * height),
    borderGreen: borderGreen / border,
    centerNonGreen: centerNonGreen / center,
    mouthOpen: open / (mouth.length / 4),
  }
}

async function start(options: HarnessStartOptions): Promise<HarnessStartResult> {
  if (options.fixChatSocket !== false) installChatSocketUrlFix(options.baseUrl)
  const token = options.token ?? (await createToken(options.baseUrl, options.apiKey ?? 'sandbox-key'))
  avatar = new StreamingAvatar({ token, basePath: options.baseUrl })
  for (const type of Object.values(StreamingEvents)) {
    avatar.on(type, (event: CustomEvent) =>
      record(type, type === StreamingEvents.STREAM_READY ? 'MediaStream' : event.detail),
    )
  }
  let stream: MediaStream | undefined
  avatar.on(StreamingEvents.STREAM_READY, (event: CustomEvent<MediaStream>) => {
    stream = event.detail
    video.srcObject = stream
    void video.play()
    measureAudio(stream)
  })
  const startedAt = performance.now()
  const info = await avatar.createStartAvatar({
    avatarName: options.avatarName ?? 'sandbox_ada',
    quality: (options.quality ?? 'medium') as AvatarQuality,
    knowledgeBase: options.knowledgeBase,
    voiceChatTransport:
      options.voiceChatTransport === 'livekit' ? VoiceChatTransport.LIVEKIT : VoiceChatTransport.WEBSOCKET,
    activityIdleTimeout: options.activityIdleTimeout,
  })
  const createStartMs = performance.now() - startedAt
  const ready = await waitForEvent(StreamingEvents.STREAM_READY, 0, options.readyTimeoutMs ?? 15_000)
  return { sessionId: info.session_id, createStartMs, readyMs: ready.at - startedAt }
}

function current(): StreamingAvatar {
  if (!avatar) throw new Error('start() first')
  return avatar
}

const harness: SandboxHarness = {
  start,
  speak: (text, taskType = 'repeat', taskMode = 'sync') =>
    current().speak({
      text,
      taskType: taskType === 'talk' ? TaskType.TALK : TaskType.REPEAT,
      taskMode: taskMode === 'async' ? TaskMode.ASYNC : TaskMode.SYNC,
    }),
  interrupt: () => current().interrupt(),
  startVoiceChat: (muted = false) => current().startVoiceChat({ isInputAudioMuted: muted }),
  closeVoiceChat: () => current().closeVoiceChat(),
  keepAlive: () => current().keepAlive(),
  stop: () => current().stopAvatar(),
  events: () => recorded.map((event) => ({ ...event })),
  waitForEvent,
  frameStats,
  audioLevel: () => audioSamples.at(-1)?.rms ?? 0,
  audioPeak: (since) =>
    audioSamples.filter((sample) => sample.at >= since).reduce((max, s) => Math.max(max, s.rms), 0),
  now: () => performance.now(),
}

window.sandboxHarness = harness
