/** The window API of the bare LiveAvatar SDK harness page, shared by the page and the specs that drive it. */

export interface LiveAvatarStartOptions {
  /** The SDK's `apiUrl`: the sandbox's baseUrl. */
  apiUrl: string
  /** A session token minted by the test with the API key (the SDK never mints). */
  token: string
  /** The SDK's voiceChat config; off by default. */
  voiceChat?: boolean | { mode?: 'CONVERSATIONAL' | 'PUSH_TO_TALK'; defaultMuted?: boolean }
  /** How long to wait for `session.stream_ready` after start() resolved (default 15 s). */
  readyTimeoutMs?: number
}

export interface LiveAvatarStartResult {
  ok: boolean
  /** start() rejected: the SDK's message, and its `errorCode` if it is a SessionApiError. */
  error?: string
  errorCode?: number
  sessionId: string | null
  mode: string
  state: string
  /** start() call to resolution. */
  startMs: number
  /** start() call to `session.stream_ready`, when it came. */
  readyMs: number | null
}

export interface HarnessEvent {
  type: string
  /** performance.now() in the page. */
  at: number
  /** The first emit argument: the event payload, a state, a reason. */
  detail: unknown
}

export interface LiveAvatarHarness {
  start(options: LiveAvatarStartOptions): Promise<LiveAvatarStartResult>
  repeat(text: string): string
  message(text: string): string
  repeatAudio(base64Pcm: string): string
  interrupt(): void
  keepAlive(): Promise<void>
  stop(): Promise<void>
  startPushToTalk(): Promise<void>
  stopPushToTalk(): Promise<void>
  state(): string
  /** Every SDK event since start, in order. */
  events(): HarnessEvent[]
  /** Every LiveKit data packet the page received, any topic (`type` is the topic), for debugging. */
  dataPackets(): HarnessEvent[]
  waitForEvent(type: string, fromIndex?: number, timeoutMs?: number): Promise<HarnessEvent>
  videoSize(): [number, number]
  /** Highest RMS (0..1) of the avatar's audio sampled since `since` (performance.now()). */
  audioPeak(since: number): number
  /** The sampled audio levels since `since`. */
  audioTrace(since: number): { at: number; rms: number }[]
  now(): number
}

declare global {
  interface Window {
    liveAvatarHarness: LiveAvatarHarness
  }
}
