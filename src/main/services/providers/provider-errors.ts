import { z } from 'zod'
import { BridgeError } from '../../../shared/result'
import { retryAfterMs } from '../../../shared/retry-after'
import { isSecureOrLoopbackUrl } from '../../../shared/settings/fields'

export type ProviderFailureKind =
  'unauthorized' | 'rate-limited' | 'unreachable' | 'timeout' | 'provider-error'

export interface ProviderErrorDetails {
  status?: number
  providerCode?: number | string
  retryAfterMs?: number
  /** LiveAvatar's 422: which fields it refused and why, never the values it was sent. */
  validation?: string
}

/** A failed provider call. Its message never contains the API key or the provider's raw body. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderFailureKind,
    message: string,
    readonly details: ProviderErrorDetails = {},
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}

/** Every provider call a token or catalogue request makes is bounded; the kiosk must never hang on one. */
export const PROVIDER_TIMEOUT_MS = 10_000

/** What every call to a provider's REST API needs. */
export interface ProviderCallOptions {
  baseUrl: string
  apiKey: string
  timeoutMs?: number
  fetchImpl?: typeof fetch
}

export interface ProviderReply {
  status: number
  ok: boolean
  headers: Headers
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  body: unknown
}

export interface ProviderRequest {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: unknown
  timeoutMs?: number
  fetchImpl?: typeof fetch
}

/**
 * Refuses a provider URL that would carry the API key in clear text off this computer. The settings schema
 * refuses such a URL too; this is checked again before every keyed request because a settings file can be
 * edited by hand. Anything else in main that sends the key (a session stop, say) should call it as well.
 */
export function assertSecureProviderUrl(url: string): void {
  if (isSecureOrLoopbackUrl(url)) return
  throw new BridgeError({
    code: 'not-configured',
    message:
      'The avatar service URL must use https (http only for a server on this computer). Check it in the admin settings.',
  })
}

/**
 * One request to a provider, from main. `redirect: 'error'` because the API key travels in a header that a
 * redirect would carry to wherever the provider (or something in between) pointed us.
 */
export async function providerRequest({
  url,
  method,
  headers,
  body,
  timeoutMs = PROVIDER_TIMEOUT_MS,
  fetchImpl = fetch,
}: ProviderRequest): Promise<ProviderReply> {
  assertSecureProviderUrl(url)
  let response: Response
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    response = await fetchImpl(url, {
      method,
      headers: { Accept: 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      redirect: 'error',
      signal: timeout,
    })
  } catch (error) {
    const name = (error as Error).name
    if (timeout.aborted || name === 'TimeoutError' || name === 'AbortError') {
      throw new ProviderError('timeout', `The avatar service did not answer within ${timeoutMs / 1000} s.`)
    }
    throw new ProviderError('unreachable', 'The avatar service cannot be reached.')
  }
  let parsed: unknown
  try {
    parsed = await response.json()
  } catch {
    parsed = undefined
  }
  return { status: response.status, ok: response.ok, headers: response.headers, body: parsed }
}

/** The failures every provider reports the same way: a refused key and too many requests. */
export function commonFailure(
  reply: ProviderReply,
  providerCode?: number | string,
): ProviderError | undefined {
  const { status } = reply
  if (status === 401 || status === 403) {
    return new ProviderError('unauthorized', 'The avatar service rejected the API key.', {
      status,
      providerCode: providerCode ?? status,
    })
  }
  if (status === 429) {
    const wait = retryAfterMs(reply.headers)
    return new ProviderError('rate-limited', 'The avatar service is busy (too many requests).', {
      status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    })
  }
  return undefined
}

/** FastAPI's validation reply (LiveAvatar answers 422 with it). `input` is deliberately not read. */
const ValidationReplySchema = z.object({
  detail: z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string() })),
})

/**
 * "avatar_persona.context_id: Input should be a valid UUID": where and what, never the value. A message is cut at
 * its first comma because FastAPI appends details there that can quote the input ("…found `x` at 1").
 */
export function summarizeValidation(body: unknown): string | undefined {
  const parsed = ValidationReplySchema.safeParse(body)
  if (!parsed.success || parsed.data.detail.length === 0) return undefined
  const parts = parsed.data.detail.slice(0, 3).map(({ loc = [], msg }) => {
    const path = loc.filter((part, index) => !(index === 0 && part === 'body')).join('.')
    const reason = (msg.split(',')[0] ?? '').slice(0, 80).trim()
    return path ? `${path}: ${reason}` : reason
  })
  const more = parsed.data.detail.length > 3 ? ` (and ${parsed.data.detail.length - 3} more)` : ''
  return `${parts.join('; ')}${more}`.slice(0, 300)
}

/** What the kiosk screen may show for each failure: short, calm, actionable. */
export function providerErrorToBridgeError(error: ProviderError): BridgeError {
  const { providerCode, status, validation, retryAfterMs: wait } = error.details
  const code = providerCode !== undefined ? ` (code ${providerCode})` : status ? ` (HTTP ${status})` : ''
  const messages: Record<ProviderFailureKind, string> = {
    unauthorized: 'The avatar service rejected the API key. Check it in the admin settings.',
    'rate-limited': 'The avatar service is busy right now. Trying again shortly.',
    unreachable: 'Cannot reach the avatar service. Check the network connection.',
    timeout: 'The avatar service is not answering. Trying again shortly.',
    'provider-error':
      validation !== undefined
        ? `The avatar service refused the session settings: ${validation}.`
        : `The avatar service reported a problem${code}.`,
  }
  return new BridgeError({
    code: error.kind,
    message: messages[error.kind],
    ...(providerCode !== undefined ? { providerCode } : {}),
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  })
}
