import { z } from 'zod'
import { BridgeError } from '../../shared/result'

export type ProviderFailureKind =
  'unauthorized' | 'rate-limited' | 'unreachable' | 'timeout' | 'provider-error'

/** A failed provider call. Its message never contains the API key or the provider's raw body. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderFailureKind,
    message: string,
    readonly details: { status?: number; providerCode?: number | string; retryAfterMs?: number } = {},
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}

/** HeyGen answers `{code, message}` on errors (400112 = unauthorized) and `{data: {token}}` on success. */
const ProviderEnvelopeSchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  data: z.unknown().optional(),
})
const TokenDataSchema = z.object({ token: z.string().min(1) })

const UNAUTHORIZED_CODES = new Set<number | string>([400112, '400112'])

export const TOKEN_TIMEOUT_MS = 10_000

export interface MintTokenOptions {
  baseUrl: string
  apiKey: string
  timeoutMs?: number
  fetchImpl?: typeof fetch
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/**
 * Asks the provider for a short-lived, single-use session token. Runs only in main: the API key is sent in
 * `X-Api-Key` and never leaves this process.
 */
export async function mintToken({
  baseUrl,
  apiKey,
  timeoutMs = TOKEN_TIMEOUT_MS,
  fetchImpl = fetch,
}: MintTokenOptions): Promise<string> {
  let response: Response
  try {
    response = await fetchImpl(`${baseUrl}/v1/streaming.create_token`, {
      method: 'POST',
      headers: { 'X-Api-Key': apiKey, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const name = (error as Error).name
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new ProviderError('timeout', `The avatar service did not answer within ${timeoutMs / 1000} s.`)
    }
    throw new ProviderError('unreachable', 'The avatar service cannot be reached.')
  }

  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  const envelope = ProviderEnvelopeSchema.safeParse(body)
  const providerCode = envelope.success ? envelope.data.code : undefined
  const status = response.status

  if (status === 401 || (providerCode !== undefined && UNAUTHORIZED_CODES.has(providerCode))) {
    throw new ProviderError('unauthorized', 'The avatar service rejected the API key.', {
      status,
      providerCode: providerCode ?? 401,
    })
  }
  if (status === 429) {
    const wait = retryAfterMs(response.headers.get('retry-after'))
    throw new ProviderError('rate-limited', 'The avatar service is busy (too many requests).', {
      status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    })
  }
  if (!response.ok) {
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

/** What the kiosk screen may show for each failure: short, calm, actionable. */
export function providerErrorToBridgeError(error: ProviderError): BridgeError {
  const messages: Record<ProviderFailureKind, string> = {
    unauthorized: 'The avatar service rejected the API key. Check it in the admin settings.',
    'rate-limited': 'The avatar service is busy right now. Trying again shortly.',
    unreachable: 'Cannot reach the avatar service. Check the network connection.',
    timeout: 'The avatar service is not answering. Trying again shortly.',
    'provider-error': `The avatar service reported a problem${error.details.providerCode !== undefined ? ` (code ${error.details.providerCode})` : error.details.status ? ` (HTTP ${error.details.status})` : ''}.`,
  }
  return new BridgeError({
    code: error.kind,
    message: messages[error.kind],
    ...(error.details.providerCode !== undefined ? { providerCode: error.details.providerCode } : {}),
    ...(error.details.retryAfterMs !== undefined ? { retryAfterMs: error.details.retryAfterMs } : {}),
  })
}
