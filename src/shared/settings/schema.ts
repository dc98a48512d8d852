import { z } from 'zod'
import { isPlainObject } from '../is-plain-object'
import { AvatarPlacementSchema, BackgroundSettingsSchema, ChromaKeySettingsSchema } from './chroma'
import { BaseUrlSchema, LanguageTagSchema, OptionalBaseUrlSchema } from './fields'
import {
  AttractSettingsSchema,
  BudgetSettingsSchema,
  NoticeSettingsSchema,
  ScheduleSettingsSchema,
  UsageSettingsSchema,
} from './operations'
import { toPatchSchema } from './patch'

/** Bumped whenever a stored field changes meaning or place; additive fields only need a default. */
export const SETTINGS_VERSION = 2

/**
 * `liveavatar`: HeyGen's LiveAvatar API and `@heygen/liveavatar-web-sdk` (what a venue buys today).
 * `heygen`: the legacy Interactive Avatar API and `@heygen/streaming-avatar`, also served by KonPro.
 */
export const ProviderKindSchema = z.enum(['liveavatar', 'heygen'])
export type ProviderKind = z.infer<typeof ProviderKindSchema>

/** The base URLs the admin panel offers; `custom` is any other URL. */
export const PROVIDER_PRESETS = {
  liveavatar: { kind: 'liveavatar', baseUrl: 'https://api.liveavatar.com', label: 'LiveAvatar' },
  heygen: { kind: 'heygen', baseUrl: 'https://api.heygen.com', label: 'HeyGen (legacy Interactive Avatar)' },
  konpro: { kind: 'heygen', baseUrl: 'https://api.konpro.ai', label: 'KonPro' },
} as const satisfies Record<string, { kind: ProviderKind; baseUrl: string; label: string }>

export const DEFAULT_BASE_URLS: Record<ProviderKind, string> = {
  liveavatar: PROVIDER_PRESETS.liveavatar.baseUrl,
  heygen: PROVIDER_PRESETS.heygen.baseUrl,
}

/** What a session costs: `full` uses LiveAvatar's speech, LLM and voice; `lite` only renders our audio (half the credits). */
export const LiveAvatarModeSchema = z.enum(['full', 'lite'])
export type LiveAvatarMode = z.infer<typeof LiveAvatarModeSchema>

export const ProviderSettingsSchema = z.object({
  kind: ProviderKindSchema.default('liveavatar'),
  /** Empty: the kind's own API (`DEFAULT_BASE_URLS`). */
  baseUrl: OptionalBaseUrlSchema.default(''),
  liveavatar: z
    .object({
      mode: LiveAvatarModeSchema.default('full'),
      /** LiveAvatar's own free test sessions (`is_sandbox`): about a minute long, one avatar only. */
      sandbox: z.boolean().default(false),
      /** Sent as the token's `max_session_duration` when set (seconds); 0 means the plan's limit. */
      maxSessionDurationSeconds: z.number().int().min(0).max(86_400).default(0),
    })
    .prefault({}),
})
export type ProviderSettings = z.output<typeof ProviderSettingsSchema>

/** The API a provider setting talks to: its own URL, or its kind's default. */
export function providerBaseUrl(provider: Pick<ProviderSettings, 'kind' | 'baseUrl'>): string {
  return provider.baseUrl || DEFAULT_BASE_URLS[provider.kind]
}

/** Each kind's avatar when none is chosen: the ones its free sandbox offers. */
export const DEFAULT_AVATAR_IDS: Record<ProviderKind, string> = {
  liveavatar: 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a',
  heygen: 'Wayne_20240711',
}

/** The avatar a session asks for: the chosen one, or the kind's default. */
export function avatarIdFor(settings: { provider: { kind: ProviderKind }; avatar: { id: string } }): string {
  return settings.avatar.id || DEFAULT_AVATAR_IDS[settings.provider.kind]
}

export const AvatarQualitySchema = z.enum(['low', 'medium', 'high'])

const unitInterval = z.number().min(0).max(1)

export const AvatarSettingsSchema = z.object({
  /** Empty: the provider kind's default avatar (`avatarIdFor`). */
  id: z.string().trim().max(200).default(''),
  quality: AvatarQualitySchema.default('high'),
  voiceId: z.string().trim().max(200).default(''),
  voiceRate: z.number().min(0.5).max(1.5).default(1),
  /** Empty: the voice's own default. */
  voiceEmotion: z.enum(['', 'excited', 'serious', 'friendly', 'soothing', 'broadcaster']).default(''),
  elevenlabsModel: z.enum(['', 'eleven_flash_v2_5', 'eleven_multilingual_v2']).default(''),
  elevenlabs: z
    .object({
      stability: unitInterval.optional(),
      similarityBoost: unitInterval.optional(),
      style: unitInterval.optional(),
      useSpeakerBoost: z.boolean().optional(),
    })
    .prefault({}),
  language: LanguageTagSchema.default('en'),
  knowledgeId: z.string().trim().max(200).default(''),
  /** LiveAvatar's knowledge base and persona (a "context"); without one a FULL avatar does not answer. */
  contextId: z.string().trim().max(200).default(''),
  knowledgeBase: z.string().max(20_000).default(''),
  stt: z
    .object({
      provider: z.enum(['', 'deepgram', 'gladia']).default(''),
      confidence: unitInterval.optional(),
    })
    .prefault({}),
  transport: z.enum(['websocket', 'livekit']).default('websocket'),
  /** The provider closes a session after this many seconds without activity; keep-alives reset it. */
  activityIdleTimeoutSeconds: z.number().int().min(30).max(3600).default(120),
  /** The provider prompts a silent visitor. */
  silencePrompt: z.boolean().default(false),
  pushToTalk: z.boolean().default(false),
})

export const SessionSettingsSchema = z.object({
  /** No new video frame for this long while live counts as a dropped stream. */
  stallSeconds: z.number().min(2).max(60).default(6),
})

export const ConversationSettingsSchema = z.object({
  mode: z.enum(['provider', 'llm']).default('provider'),
  /** What the avatar says when transcription or the LLM fails or is too slow. */
  fallbackLine: z
    .string()
    .trim()
    .min(1, 'Write a line the avatar can say')
    .max(500)
    .default("Sorry, I didn't catch that. Could you say it again?"),
  /** Spoken when a session goes live; empty for none. */
  greeting: z.string().trim().max(1000).default('Hello! How can I help you today?'),
  /** An on-screen text box that goes through the same pipeline as speech. */
  textInput: z.boolean().default(false),
  /** Visitors' words and answers stay out of the log unless the operator opts in. */
  logTranscripts: z.boolean().default(false),
  /** The visitor may interrupt the avatar by speaking or tapping. */
  bargeIn: z.boolean().default(true),
  /** An on-screen button to mute the microphone (push-to-talk always shows its own "hold to talk" button). */
  muteButton: z.boolean().default(false),
  /** Our-own-LLM mode's voice-activity detector: how sure it must be that someone speaks (0–1)... */
  vadThreshold: z.number().min(0.3).max(0.95).default(0.6),
  /** ...and how long a pause ends the visitor's utterance. */
  endOfSpeechMs: z.number().int().min(200).max(3000).default(700),
  /**
   * Our-own-LLM mode: how soon an answer starts after the visitor stops.
   * - `patient`: wait out `endOfSpeechMs`, then transcribe and ask.
   * - `speculative`: transcribe and start the answer during a short pause, but speak only after `endOfSpeechMs`.
   * - `quick`: as `speculative`, and a plainly complete question is answered without waiting out the pause.
   * Speculative answers the visitor talks over are cancelled at once and counted in the usage figures.
   */
  turnTaking: z.enum(['patient', 'speculative', 'quick']).default('quick'),
})

export const LlmSettingsSchema = z.object({
  baseUrl: BaseUrlSchema.default('https://api.openai.com/v1'),
  model: z.string().trim().min(1, 'Name a model').max(200).default('gpt-4o-mini'),
  systemPrompt: z
    .string()
    .max(8000)
    .default(
      'You are the friendly receptionist of this venue. Answer in one to three short spoken sentences. ' +
        'Never use lists, markdown or emoji.',
    ),
  temperature: z.number().min(0).max(2).optional(),
  transcriptionModel: z.string().trim().min(1, 'Name a model').max(200).default('whisper-1'),
  /** Empty: the same server as `baseUrl`. */
  transcriptionBaseUrl: OptionalBaseUrlSchema.default(''),
  /** Conversation turns (a question and its answer) sent with each question, the newest included. */
  maxTurns: z.number().int().min(1).max(50).default(8),
  /** Estimated tokens of those turns, besides the system prompt; older turns are dropped first. */
  maxHistoryTokens: z.number().int().min(100).max(100_000).default(2000),
  /** Text to speech for LiveAvatar LITE: any OpenAI-compatible `audio.speech`, as 24 kHz 16-bit PCM. */
  speech: z
    .object({
      model: z.string().trim().min(1, 'Name a model').max(200).default('gpt-4o-mini-tts'),
      voice: z.string().trim().min(1, 'Name a voice').max(200).default('alloy'),
      /** Empty: the same server as `baseUrl`. */
      baseUrl: OptionalBaseUrlSchema.default(''),
      timeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
    })
    .prefault({}),
  timeouts: z
    .object({
      transcriptionMs: z.number().int().min(1000).max(120_000).default(10_000),
      /** Until the first word of an answer arrives. */
      firstTokenMs: z.number().int().min(500).max(60_000).default(6000),
      /** For the whole answer. */
      totalMs: z.number().int().min(1000).max(300_000).default(30_000),
    })
    .refine((timeouts) => timeouts.firstTokenMs <= timeouts.totalMs, {
      path: ['firstTokenMs'],
      message: 'Must not exceed the total answer timeout',
    })
    .prefault({}),
})

export const WindowModeSchema = z.enum(['kiosk', 'fullscreen', 'windowed'])

export const DisplaySettingsSchema = z.object({
  windowMode: WindowModeSchema.default('kiosk'),
  captions: z.object({ avatar: z.boolean().default(true), visitor: z.boolean().default(true) }).prefault({}),
  showIndicators: z.boolean().default(true),
  showConnectionQuality: z.boolean().default(true),
  chromaKey: ChromaKeySettingsSchema,
  background: BackgroundSettingsSchema,
  placement: AvatarPlacementSchema,
})

/** The sections, before the rules that span them; patches are shaped after this. */
const SettingsSections = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  provider: ProviderSettingsSchema.prefault({}),
  avatar: AvatarSettingsSchema.prefault({}),
  session: SessionSettingsSchema.prefault({}),
  conversation: ConversationSettingsSchema.prefault({}),
  llm: LlmSettingsSchema.prefault({}),
  display: DisplaySettingsSchema.prefault({}),
  attract: AttractSettingsSchema.prefault({}),
  schedule: ScheduleSettingsSchema.prefault({}),
  budget: BudgetSettingsSchema.prefault({}),
  notices: NoticeSettingsSchema.prefault({}),
  usage: UsageSettingsSchema.prefault({}),
})

export const SettingsSchema = SettingsSections.refine(
  // The legacy SDK pushes to talk only over LiveKit; LiveAvatar always uses LiveKit.
  (settings) =>
    settings.provider.kind !== 'heygen' ||
    !settings.avatar.pushToTalk ||
    settings.avatar.transport === 'livekit',
  { path: ['avatar', 'pushToTalk'], message: 'Push-to-talk needs the LiveKit transport' },
)

export type Settings = z.output<typeof SettingsSchema>
export type SettingsInput = z.input<typeof SettingsSchema>
export function defaultSettings(): Settings {
  return SettingsSchema.parse({})
}

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T

/** What an update may carry: any subset of the settings tree. Validation happens on the merged result. */
export type SettingsPatch = DeepPartial<Omit<SettingsInput, 'version'>>

/** Validates the shape of an update before it is merged; the merged result is validated again in full. */
export const SettingsPatchSchema = toPatchSchema(
  SettingsSections.omit({ version: true }),
) as z.ZodType<SettingsPatch>

/** Objects merge key by key; arrays and scalars replace. */
export function mergeSettingsPatch(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) merged[key] = mergeSettingsPatch(base[key], value)
  return merged
}
