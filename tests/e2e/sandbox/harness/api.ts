/** The window API of the bare-SDK harness page, shared by the page and the specs that drive it. */

export interface HarnessStartOptions {
  /** Provider base URL, e.g. the sandbox's baseUrl. */
  baseUrl: string
  /** A session token; when absent the page fetches one from create_token with `apiKey`. */
  token?: string
  apiKey?: string
  quality?: 'low' | 'medium' | 'high'
  avatarName?: string
  knowledgeBase?: string
  voiceChatTransport?: 'websocket' | 'livekit'
  activityIdleTimeout?: number
  /** Install the renderer's chat-socket URL fix (default true): without it the SDK dials wss://host:443. */
  fixChatSocket?: boolean
  /** How long to wait for STREAM_READY after createStartAvatar resolved (default 15 s). */
  readyTimeoutMs?: number
}

export interface HarnessStartResult {
  sessionId: string
  /** createStartAvatar() call to resolution. */
  createStartMs: number
  /** createStartAvatar() call to STREAM_READY. */
  readyMs: number
}

export interface HarnessEvent {
  type: string
  /** performance.now() in the page. */
  at: number
  detail: unknown
}

export interface FrameStats {
  width: number
  height: number
  /** Share of all pixels that are key green. */
  green: number
  /** Share of key green in the outer band (12% of each side): the background around the character. */
  borderGreen: number
  /** Share of non-green pixels in the central box, where the character stands. */
  centerNonGreen: number
  /** Share of the mouth region showing the dark inside of an open mouth: about 0 when closed. */
  mouthOpen: number
}

export interface SandboxHarness {
  start(options: HarnessStartOptions): Promise<HarnessStartResult>
  speak(text: string, taskType?: 'talk' | 'repeat', taskMode?: 'sync' | 'async'): Promise<unknown>
  interrupt(): Promise<unknown>
  /** The SDK's voice chat: the microphone goes to the provider (chat socket or LiveKit, per transport). */
  startVoiceChat(muted?: boolean): Promise<void>
  closeVoiceChat(): Promise<void>
  keepAlive(): Promise<unknown>
  stop(): Promise<unknown>
  /** Every SDK event since start, in order. */
  events(): HarnessEvent[]
  waitForEvent(type: string, fromIndex?: number, timeoutMs?: number): Promise<HarnessEvent>
  frameStats(): FrameStats
  /** RMS (0..1) of the avatar's audio over the last ~50 ms, measured with a WebAudio analyser. */
  audioLevel(): number
  /** Highest audioLevel() sampled since `since` (performance.now()). */
  audioPeak(since: number): number
  now(): number
}

declare global {
  interface Window {
    sandboxHarness: SandboxHarness
  }
}
