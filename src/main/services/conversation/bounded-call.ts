import { BridgeError, type BridgeErrorPayload } from '../../../shared/result'
import { failureReason, toBridgeFailure, type LlmTask } from './llm-errors'

export interface BoundedCallOptions {
  task: LlmTask
  timeoutMs: number
  /** Aborted by barge-in or when the page goes away; the call then fails with `cancelled`. */
  signal?: AbortSignal | undefined
  /** What the visitor-facing messages say, e.g. "Speech-to-text took too long." */
  timeoutMessage: string
  cancelMessage: string
}

/** The bridge error the renderer sees, still holding the SDK's error so the caller can log why. */
function failure(payload: BridgeErrorPayload, cause: unknown): BridgeError {
  const error = new BridgeError(payload)
  error.cause = cause
  return error
}

/**
 * Runs one OpenAI SDK call under our own deadline and the caller's cancel signal, and maps every failure to a
 * bridge error. Our own timer rather than the SDK's: that one stops at the response headers, this one covers
 * the body too.
 */
export async function boundedCall<T>(
  options: BoundedCallOptions,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, options.timeoutMs)
  const cancel = () => controller.abort()
  options.signal?.addEventListener('abort', cancel, { once: true })
  try {
    if (options.signal?.aborted) throw new BridgeError({ code: 'cancelled', message: options.cancelMessage })
    return await call(controller.signal)
  } catch (error) {
    if (error instanceof BridgeError) throw error
    if (timedOut) throw failure({ code: 'timeout', message: options.timeoutMessage }, error)
    if (options.signal?.aborted) throw failure({ code: 'cancelled', message: options.cancelMessage }, error)
    throw failure(toBridgeFailure(error, options.task), error)
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', cancel)
  }
}

/** What the log keeps of a failed call: its code, how long it took and why, never a response body. */
export function failureLogFields(error: unknown, startedAt: number): Record<string, unknown> {
  return {
    code: error instanceof BridgeError ? error.code : 'internal',
    elapsedMs: Math.round(performance.now() - startedAt),
    reason: failureReason(error instanceof BridgeError && error.cause !== undefined ? error.cause : error),
  }
}
