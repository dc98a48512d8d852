import type { SessionToken } from '../../../shared/contract'

/**
 * The seam between the session controller and a provider SDK. The controller only knows these types, so another
 * provider (LiveAvatar, a self-hosted one) can be added as a second implementation without touching it.
 */

export type AvatarTaskType = 'talk' | 'repeat'

export interface AvatarStartOptions {
  avatarName: string
  quality: 'low' | 'medium' | 'high'
  voice?: {
    voiceId?: string
    rate?: number
    emotion?: 'excited' | 'serious' | 'friendly' | 'soothing' | 'broadcaster'
    model?: 'eleven_flash_v2_5' | 'eleven_multilingual_v2'
    elevenlabsSettings?: {
      stability?: number
      similarity_boost?: number
      style?: number
      use_speaker_boost?: boolean
    }
  }
  language?: string
  knowledgeId?: string
  knowledgeBase?: string
  sttSettings?: { provider?: 'deepgram' | 'gladia'; confidence?: number }
  voiceChatTransport: 'websocket' | 'livekit'
  activityIdleTimeout: number
  useSilencePrompt: boolean
  enablePushToTalk: boolean
}

export interface AvatarSessionEvents {
  /** The stream ended without us asking: LiveKit disconnect, chat socket closed, media failure. */
  dropped: { reason: string }
  avatarStartTalking: { taskId?: string }
  avatarStopTalking: { taskId?: string; durationMs?: number }
  /** `cumulative`: the text so far replaces the caption; otherwise it is the next words to append. */
  avatarTalkingMessage: { text: string; cumulative?: boolean }
  avatarEndMessage: Record<string, never>
  userStart: Record<string, never>
  userStop: Record<string, never>
  userTalkingMessage: { text: string; cumulative?: boolean }
  userEndMessage: Record<string, never>
  connectionQuality: { quality: string }
}

export type AvatarSessionEvent = keyof AvatarSessionEvents

/**
 * What a session can do, so the conversation picks its pipeline without knowing the provider. LiveAvatar LITE
 * renders only audio we send (no text, no voice chat, no provider LLM); everything else speaks text.
 */
export interface AvatarCapabilities {
  /** `speak(text)`: the provider turns text into speech (REPEAT) or answers it (TALK). */
  speaksText: boolean
  /** `speakAudio(pcm)`: the provider lip-syncs audio we synthesised. */
  speaksAudio: boolean
  /** The provider's own voice chat (its speech-to-text and LLM) is available. */
  voiceChat: boolean
}

export interface AvatarSession {
  readonly id: string
  readonly stream: MediaStream
  /** The provider's hard limit for this session, when it tells us. */
  readonly durationLimitMs: number | undefined
  readonly capabilities: AvatarCapabilities
  on<Name extends AvatarSessionEvent>(
    name: Name,
    listener: (payload: AvatarSessionEvents[Name]) => void,
  ): () => void
  speak(text: string, options: { type: AvatarTaskType; async?: boolean }): Promise<void>
  /** 24 kHz mono 16-bit PCM, base64; only when `capabilities.speaksAudio`. Resolves once handed over. */
  speakAudio(pcmBase64: string): Promise<void>
  interrupt(): Promise<void>
  keepAlive(): Promise<void>
  startVoiceChat(options: { muted: boolean }): Promise<void>
  closeVoiceChat(): Promise<void>
  setMicrophoneMuted(muted: boolean): void
  /** Push-to-talk (LiveKit transport with `enablePushToTalk`): the visitor holds a button while speaking. */
  pushToTalk(active: boolean): Promise<void>
  /** Ends the session at the provider and releases every connection and track. Safe to call twice. */
  stop(): Promise<void>
}

export interface AvatarStartHooks {
  /** Called as soon as the provider has created the session, before media flows, so it can never be lost. */
  onSessionCreated(sessionId: string): void
  /**
   * Called when a start that fails (or is abandoned) has stopped the session it created and the provider
   * confirmed it, so nobody needs to stop it again.
   */
  onSessionStopped?(sessionId: string): void
  /** Aborted when the controller gives up on this start; the provider then stops what it created. */
  signal: AbortSignal
}

export interface AvatarProvider {
  start(token: SessionToken, options: AvatarStartOptions, hooks: AvatarStartHooks): Promise<AvatarSession>
}
