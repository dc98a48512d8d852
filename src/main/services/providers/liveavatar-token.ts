import { z } from 'zod'
import { avatarIdFor, type Settings } from '../../../shared/settings/schema'
import {
  PROVIDER_TIMEOUT_MS,
  ProviderError,
  commonFailure,
  providerRequest,
  summarizeValidation,
  type ProviderCallOptions,
  type ProviderReply,
} from './provider-errors'

/** LiveAvatar's success code; the SDK treats anything else as failure (the OpenAPI default of 100 is not used). */
export const LIVEAVATAR_OK = 1000

/** The fields of `POST /v1/sessions/token` the kiosk sends (docs.liveavatar.com, FULL | LITE token config). */
export interface LiveAvatarTokenBody {
  mode: 'FULL' | 'LITE'
  avatar_id: string
  is_sandbox: boolean
  video_settings: { quality: 'low' | 'medium' | 'high' }
  max_session_duration?: number
  avatar_persona?: { voice_id?: string; context_id?: string; language: string }
  interactivity_type?: 'CONVERSATIONAL' | 'PUSH_TO_TALK'
}

type TokenSettings = Pick<Settings, 'provider' | 'avatar'>

/**
 * LiveAvatar's languages are bare ISO 639 codes (`en`, `de`, `yue`: the SDK's `Language` enum); the setting is
 * a BCP-47 tag that may carry a region (`de-DE`), which the API would refuse.
 */
export function liveAvatarLanguage(tag: string): string {
  return (tag.split('-')[0] ?? tag).toLowerCase()
}

/**
 * The token request for the current settings. LITE renders our own audio, so it carries no persona (no voice,
 * context or language: LiveAvatar neither listens nor speaks for us). Empty voice or context are left out so
 * the avatar's own voice applies; without a context a FULL avatar streams but does not answer.
 */
export function liveAvatarTokenBody(settings: TokenSettings): LiveAvatarTokenBody {
  const { liveavatar } = settings.provider
  const { avatar } = settings
  const body: LiveAvatarTokenBody = {
    mode: liveavatar.mode === 'lite' ? 'LITE' : 'FULL',
    avatar_id: avatarIdFor(settings),
    is_sandbox: liveavatar.sandbox,
    video_settings: { quality: avatar.quality },
  }
  if (liveavatar.maxSessionDurationSeconds > 0)
    body.max_session_duration = liveavatar.maxSessionDurationSeconds
  if (body.mode === 'FULL') {
    body.avatar_persona = {
      ...(avatar.voiceId ? { voice_id: avatar.voiceId } : {}),
      ...(avatar.contextId ? { context_id: avatar.contextId } : {}),
      language: liveAvatarLanguage(avatar.language),
    }
    body.interactivity_type = avatar.pushToTalk ? 'PUSH_TO_TALK' : 'CONVERSATIONAL'
  }
  return body
}

/** `{code, data, message}`; `message` is not read, since a provider's text may quote the request. */
const EnvelopeSchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  data: z.unknown().optional(),
})
const TokenDataSchema = z.object({ session_id: z.string().min(1), session_token: z.string().min(1) })

export interface LiveAvatarToken {
  sessionId: string
  token: string
}

/** Maps a reply that is not `{code: 1000, data}` onto the same failure kinds the legacy provider has. */
export function liveAvatarFailure(reply: ProviderReply, action: string): ProviderError | undefined {
  const envelope = EnvelopeSchema.safeParse(reply.body)
  const providerCode = envelope.success ? envelope.data.code : undefined
  const common = commonFailure(reply, providerCode)
  if (common) return common
  const { status } = reply
  if (status === 422) {
    const validation = summarizeValidation(reply.body)
    return new ProviderError('provider-error', `The avatar service refused the ${action} (HTTP 422).`, {
      status,
      ...(validation !== undefined ? { validation } : {}),
    })
  }
  if (!reply.ok) {
    return new ProviderError('provider-error', `The avatar service reported an error (HTTP ${status}).`, {
      status,
      ...(providerCode !== undefined ? { providerCode } : {}),
    })
  }
  if (
    providerCode !== undefined &&
    providerCode !== LIVEAVATAR_OK &&
    providerCode !== String(LIVEAVATAR_OK)
  ) {
    return new ProviderError('provider-error', `The avatar service refused the ${action}.`, {
      status,
      providerCode,
    })
  }
  return undefined
}

/** The payload of a successful LiveAvatar reply, or undefined if the reply had no `{code: 1000, data}`. */
export function liveAvatarData(reply: ProviderReply): unknown {
  const envelope = EnvelopeSchema.safeParse(reply.body)
  if (!envelope.success || Number(envelope.data.code) !== LIVEAVATAR_OK) return undefined
  return envelope.data.data
}

/**
 * `POST {base}/v1/sessions/token` with `X-API-KEY`. The renderer gets only the session token; the session id
 * stays in main, which can stop the session with the key if the page cannot.
 */
export async function mintLiveAvatarToken({
  baseUrl,
  apiKey,
  body,
  timeoutMs = PROVIDER_TIMEOUT_MS,
  fetchImpl,
}: ProviderCallOptions & { body: LiveAvatarTokenBody }): Promise<LiveAvatarToken> {
  const reply = await providerRequest({
    url: `${baseUrl}/v1/sessions/token`,
    method: 'POST',
    headers: { 'X-API-KEY': apiKey, 'Content-Type': 'application/json' },
    body,
    timeoutMs,
    ...(fetchImpl ? { fetchImpl } : {}),
  })
  const failure = liveAvatarFailure(reply, 'session settings')
  if (failure) throw failure
  const token = TokenDataSchema.safeParse(liveAvatarData(reply))
  if (!token.success) {
    throw new ProviderError(
      'provider-error',
      'The avatar service sent an unexpected reply to the token request.',
      {
        status: reply.status,
      },
    )
  }
  return { sessionId: token.data.session_id, token: token.data.session_token }
}
