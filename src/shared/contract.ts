import { z } from 'zod'
import { AutostartStateSchema, MainDiagnosticsSchema } from './diagnostics'
import { BridgeErrorSchema } from './result'
import {
  LiveAvatarModeSchema,
  ProviderKindSchema,
  SettingsPatchSchema,
  SettingsSchema,
} from './settings/schema'
import { BudgetStatusSchema, UsageEventRequestSchema, UsageReportSchema } from './usage'

/**
 * The one registry of everything the renderer may ask of the main process, and every event main may push.
 * The preload, the IPC gate, the web host and the renderer clients are all generated from this table.
 */

export const SecretNameSchema = z.enum(['providerApiKey', 'llmApiKey'])
export type SecretName = z.infer<typeof SecretNameSchema>

export const SecretProtectionSchema = z.object({
  /** `os-keyring`: encrypted with a key held by the OS keychain. Anything else is weaker and says so. */
  kind: z.enum(['os-keyring', 'obfuscated-basic-text', 'file-permissions-only']),
  description: z.string(),
})

export const NoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
})
export type Notice = z.infer<typeof NoticeSchema>

export const ProviderStatusSchema = z.object({
  /** `sandbox`: no key is set, so the built-in offline provider serves a demo avatar. */
  kind: z.enum(['configured', 'not-configured', 'sandbox']),
  /** Which protocol the renderer speaks, also to the sandbox (it speaks both). */
  providerKind: ProviderKindSchema,
  baseUrl: z.string(),
})

export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  secrets: z.object({ providerApiKey: z.boolean(), llmApiKey: z.boolean(), adminPin: z.boolean() }),
  secretProtection: SecretProtectionSchema,
  provider: ProviderStatusSchema,
  admin: z.object({ locked: z.boolean() }),
  notices: z.array(NoticeSchema),
})
export type SettingsView = z.infer<typeof SettingsViewSchema>

export const SessionTokenSchema = z.object({
  token: z.string().min(1),
  baseUrl: z.string(),
  sandbox: z.boolean(),
  /** The SDK this token is for; the renderer loads only that provider's chunk. */
  kind: ProviderKindSchema,
  /** LiveAvatar only: what the token was minted for (the SDK also reads it from the JWT). */
  mode: LiveAvatarModeSchema.optional(),
  /** Names this token in `reportSession`, so main can stop the session it opened if the page goes away. */
  lease: z.string().min(1),
})
export type SessionToken = z.infer<typeof SessionTokenSchema>

export const BackgroundFileSchema = z.object({
  name: z.string(),
  kind: z.enum(['image', 'video']),
  source: z.enum(['data', 'sample']),
})

export const PinSchema = z.string().regex(/^\d{4,12}$/, 'Use 4 to 12 digits')

const LogContextSchema = z.record(
  z.string().max(100),
  z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]),
)
const MAX_LOG_CONTEXT_ENTRIES = 32

export const RendererLogSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string().max(2000),
  // Counted before the entries are parsed: parsing a million of them would stall main for seconds.
  context: z
    .custom<z.input<typeof LogContextSchema>>(
      (value) =>
        typeof value !== 'object' || value === null || Object.keys(value).length <= MAX_LOG_CONTEXT_ENTRIES,
      { error: `At most ${MAX_LOG_CONTEXT_ENTRIES} entries` },
    )
    .pipe(LogContextSchema)
    .optional(),
})

/** Names one visitor question and the answer streamed back for it. */
export const RequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'Use 6-64 letters, digits, - or _')

export const AnswerStreamSchema = z.discriminatedUnion('kind', [
  /** More text of the answer, as the LLM streams it. */
  z.object({ kind: z.literal('delta'), requestId: RequestIdSchema, text: z.string() }),
  /** The answer is complete; `text` is all of it. */
  z.object({ kind: z.literal('done'), requestId: RequestIdSchema, text: z.string() }),
  /** The answer failed or timed out; the renderer has the avatar say the fallback line. */
  z.object({ kind: z.literal('error'), requestId: RequestIdSchema, error: BridgeErrorSchema }),
])
export type AnswerStreamEvent = z.infer<typeof AnswerStreamSchema>

/**
 * 16 kHz mono WAV of one utterance, base64 so it crosses IPC and HTTP alike (about 40 s at most).
 * `answer`: start a speculative answer (as `askAssistant` with `speculative`) on the transcript as soon as it is
 * there, under this request id, rather than a round trip later; none starts for an empty transcript, and
 * `cancelAnswer` with the id before then stops the transcription instead.
 */
export const UtteranceSchema = z.strictObject({
  audioBase64: z.string().min(1).max(2_000_000),
  format: z.literal('wav'),
  answer: z.strictObject({ requestId: RequestIdSchema }).optional(),
})

/** One avatar, voice or context the provider offers, for the admin panel's pickers. */
export const CatalogItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Public (the provider's) or the account's own. */
  owner: z.enum(['public', 'own']).optional(),
  previewUrl: z.string().optional(),
  description: z.string().optional(),
})
export type CatalogItem = z.infer<typeof CatalogItemSchema>

export const CatalogKindSchema = z.enum(['avatars', 'voices', 'contexts'])
export type CatalogKind = z.infer<typeof CatalogKindSchema>

/** A sentence of our LLM's answer as speech, for LiveAvatar LITE: 24 kHz mono 16-bit PCM, base64. */
export const SpeechAudioSchema = z.object({
  pcmBase64: z.string(),
  sampleRate: z.literal(24_000),
})

const NoPayload = z.undefined()
const Done = z.null()

function call<Request extends z.ZodType, Response extends z.ZodType>(request: Request, response: Response) {
  return { request, response }
}

/**
 * Requests are strict objects: an unknown key is refused with its name, like a settings typo, rather than
 * dropped, so a caller that sends more than the contract says learns it at once.
 */
export const bridgeCalls = {
  getSettings: call(NoPayload, SettingsViewSchema),
  updateSettings: call(SettingsPatchSchema, SettingsViewSchema),
  setSecret: call(
    z.strictObject({ name: SecretNameSchema, value: z.string().trim().min(1).max(4096) }),
    SettingsViewSchema,
  ),
  clearSecret: call(z.strictObject({ name: SecretNameSchema }), SettingsViewSchema),
  setAdminPin: call(z.strictObject({ pin: PinSchema }), SettingsViewSchema),
  unlockAdmin: call(
    z.strictObject({ pin: z.string().max(64) }),
    z.object({ unlocked: z.boolean(), retryAfterMs: z.number().int().nonnegative() }),
  ),
  lockAdmin: call(NoPayload, Done),
  mintSessionToken: call(NoPayload, SessionTokenSchema),
  reportSession: call(
    z.strictObject({
      lease: z.string().min(1).max(100),
      sessionId: z.string().min(1).max(200),
      state: z.enum(['started', 'stopped', 'abandoned']),
    }),
    Done,
  ),
  log: call(RendererLogSchema, Done),
  listBackgrounds: call(NoPayload, z.object({ files: z.array(BackgroundFileSchema), folder: z.string() })),
  /** Speech-to-text of one visitor utterance, in main with the LLM key (our-own-LLM mode). */
  transcribe: call(UtteranceSchema, z.object({ text: z.string() })),
  /**
   * Starts an answer; its text arrives as `answerStream` events for this page only. `speculative`: asked on a
   * transcript taken during a pause, before the visitor's turn is confirmed over; it joins the conversation's
   * history only on `commitAnswer`, and a cancel before that discards it (counted in the usage figures).
   */
  askAssistant: call(
    z.strictObject({
      requestId: RequestIdSchema,
      text: z.string().trim().min(1).max(4000),
      speculative: z.boolean().optional(),
    }),
    Done,
  ),
  /** The visitor's turn is confirmed over: the speculative answer with this id becomes the real one. */
  commitAnswer: call(z.strictObject({ requestId: RequestIdSchema }), Done),
  /** Barge-in: stop generating this answer (or the transcription it waits on). */
  cancelAnswer: call(z.strictObject({ requestId: RequestIdSchema }), Done),
  /** The visitor left: forget the conversation. */
  endConversation: call(NoPayload, Done),
  /** Text to speech in main with the LLM key (LiveAvatar LITE); `cancelAnswer` for the same id aborts it. */
  synthesizeSpeech: call(
    z.strictObject({ requestId: RequestIdSchema, text: z.string().trim().min(1).max(2000) }),
    SpeechAudioSchema,
  ),
  /** What the configured provider offers, fetched by main with the key (admin panel only). */
  listCatalog: call(
    z.strictObject({ kind: CatalogKindSchema }),
    z.object({ items: z.array(CatalogItemSchema).max(2000) }),
  ),
  /**
   * Reloads the calling page (a new provider needs a page with a new CSP). Electron's navigation lock blocks
   * `location.reload()`, so the host reloads the page itself (`reloadedBy: 'host'`); a host without such a
   * lock answers `'page'`, and the page reloads itself.
   */
  reloadPage: call(NoPayload, z.object({ reloadedBy: z.enum(['host', 'page']) })),
  /** Counts a visitor-side event in the usage ledger (sessions and minutes main counts itself). */
  recordUsage: call(UsageEventRequestSchema, Done),
  /** The last `days` days of usage, newest last, and today's budget (admin panel and the renderer's budget gate). */
  getUsage: call(
    z.strictObject({ days: z.number().int().min(1).max(366) }),
    z.object({ report: UsageReportSchema, budget: BudgetStatusSchema }),
  ),
  /** The checks only main can run (with the keys): provider and LLM reachability, versions, disk space. */
  runDiagnostics: call(NoPayload, MainDiagnosticsSchema),
  getAutostart: call(NoPayload, AutostartStateSchema),
  setAutostart: call(z.strictObject({ enabled: z.boolean() }), AutostartStateSchema),
}

export const bridgeEvents = {
  settingsChanged: SettingsViewSchema,
  answerStream: AnswerStreamSchema,
}

export type BridgeCalls = typeof bridgeCalls
export type CallName = keyof BridgeCalls
export type CallRequest<Name extends CallName> = z.input<BridgeCalls[Name]['request']>
export type CallResponse<Name extends CallName> = z.output<BridgeCalls[Name]['response']>

export type BridgeEvents = typeof bridgeEvents
export type EventName = keyof BridgeEvents
export type EventPayload<Name extends EventName> = z.output<BridgeEvents[Name]>

export const CALL_NAMES = Object.keys(bridgeCalls) as CallName[]
export const EVENT_NAMES = Object.keys(bridgeEvents) as EventName[]

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(bridgeCalls, name)
}
