import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai'
import type { BridgeErrorPayload } from '../../../shared/result'
import { retryAfterMs } from '../../../shared/retry-after'

/** Which server failed, so the operator reading the admin panel or log knows where to look. */
export type LlmTask = 'transcription' | 'answer' | 'speech'

const SERVER: Record<LlmTask, string> = {
  transcription: 'speech-to-text server',
  answer: 'LLM server',
  speech: 'text-to-speech server',
}

/**
 * Maps an OpenAI SDK (or network) failure onto a bridge error. The messages are ours, never the server's: a
 * server's text can quote the request, the visitor's words or part of the key.
 */
export function toBridgeFailure(error: unknown, task: LlmTask): BridgeErrorPayload {
  const server = SERVER[task]
  if (error instanceof APIConnectionTimeoutError)
    return { code: 'timeout', message: `The ${server} took too long.` }
  if (error instanceof APIUserAbortError) return { code: 'cancelled', message: 'The request was cancelled.' }
  if (error instanceof APIConnectionError)
    return { code: 'unreachable', message: `The ${server} could not be reached.` }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return { code: 'unauthorized', message: `The ${server} refused the API key.`, providerCode: error.status }
  }
  if (error instanceof RateLimitError) {
    const retryAfter = retryAfterMs(error.headers)
    return {
      code: 'rate-limited',
      message: `The ${server} is rate limiting requests.`,
      providerCode: 429,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    }
  }
  if (error instanceof APIError && error.status !== undefined) {
    return {
      code: 'llm-error',
      message: `The ${server} answered with HTTP ${error.status}.`,
      providerCode: error.status,
    }
  }
  if (error instanceof APIError) return { code: 'llm-error', message: `The ${server} reported an error.` }
  // undici's "terminated" and friends: the connection broke after the response had started.
  if (error instanceof TypeError)
    return { code: 'llm-error', message: `The connection to the ${server} broke off.` }
  return { code: 'llm-error', message: `The request to the ${server} failed.` }
}

/** A short description for the log: the error's class, status and cause, not its response body. */
export function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const status = error instanceof APIError && error.status !== undefined ? ` (HTTP ${error.status})` : ''
  const cause = error.cause instanceof Error ? `; cause: ${error.cause.message}` : ''
  return `${error.constructor.name}${status}: ${error.message}${cause}`.slice(0, 500)
}
