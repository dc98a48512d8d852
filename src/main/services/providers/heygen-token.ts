import { z } from 'zod'
import { retryAfterMs } from '../../../shared/retry-after'
import {
  PROVIDER_TIMEOUT_MS,
  ProviderError,
  providerRequest,
  type ProviderCallOptions,
} from './provider-errors'

/** HeyGen answers `{code, message}` on errors (400112 = unauthorized) and `{data: {token}}` on success. */
const HeygenEnvelopeSchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  data: z.unknown().optional(),
})
const TokenDataSchema = z.object({ token: z.string().min(1) })

const UNAUTHORIZED_CODES = new Set<number | string>([400112, '400112'])

/**
 * The legacy Interactive Avatar API (HeyGen, KonPro): a short-lived, single-use session token. Runs only in
 * main: the API key is sent in `X-Api-Key` and never leaves this process.
 */
export async function mintHeygenToken({
  baseUrl,
  apiKey,
  timeoutMs = PROVIDER_TIMEOUT_MS,
  fetchImpl,
}: ProviderCallOptions): Promise<string> {
  const reply = await providerRequest({
    url: `${baseUrl}/v1/streaming.create_token`,
    method: 'POST',
    headers: { 'X-Api-Key': apiKey, 'Content-Type': 'application/json' },
    body: {},
    timeoutMs,
    ...(fetchImpl ? { fetchImpl } : {}),
  })
  const envelope = HeygenEnvelopeSchema.safeParse(reply.body)
  const providerCode = envelope.success ? envelope.data.code : undefined
  const { status } = reply

  if (status === 401 || (providerCode !== undefined && UNAUTHORIZED_CODES.has(providerCode))) {
    throw new ProviderError('unauthorized', 'The avatar service rejected the API key.', {
      status,
      providerCode: providerCode ?? 401,
    })
  }
  if (status === 429) {
    const wait = retryAfterMs(reply.headers)
    throw new ProviderError('rate-limited', 'The avatar service is busy (too many requests).', {
      status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    })
  }
  if (!reply.ok) {
    throw new ProviderError('provider-error', `The avatar service reported an error (HTTP ${status}).`, {
      status,
      ...(providerCode !== undefined ? { providerCode } : {}),
    })
  }
  const token = TokenDataSchema.safeParse(envelope.success ? envelope.data.data : undefined)
  if (!token.success) {
    throw new ProviderError(
      'provider-error',
      'The avatar service sent an unexpected reply to the token request.',
      {
        status,
      },
    )
  }
  return token.data.token
}
