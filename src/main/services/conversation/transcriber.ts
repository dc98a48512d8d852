import type OpenAI from 'openai'
import { toFile } from 'openai'
import { BridgeError, type BridgeErrorPayload } from '../../../shared/result'
import { toBridgeFailure } from './llm-errors'

export interface TranscribeOptions {
  client: OpenAI
  model: string
  wav: Buffer
  timeoutMs: number
  /** Aborted when the page goes away; the call then fails with `cancelled`. */
  signal?: AbortSignal
}

/** The bridge error the renderer sees, still holding the SDK's error so the caller can log why. */
function failure(payload: BridgeErrorPayload, cause: unknown): BridgeError {
  const error = new BridgeError(payload)
  error.cause = cause
  return error
}

/** Speech-to-text of one utterance. The audio lives only in this call: it is sent, never written anywhere. */
export async function transcribeWav({
  client,
  model,
  wav,
  timeoutMs,
  signal,
}: TranscribeOptions): Promise<string> {
  const controller = new AbortController()
  let timedOut = false
  // Our own timer rather than the SDK's: that one stops at the response headers, this one covers the body too.
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const cancel = () => controller.abort()
  signal?.addEventListener('abort', cancel, { once: true })
  try {
    if (signal?.aborted)
      throw new BridgeError({ code: 'cancelled', message: 'The transcription was cancelled.' })
    const result = await client.audio.transcriptions.create(
      { file: await toFile(wav, 'utterance.wav', { type: 'audio/wav' }), model, response_format: 'json' },
      { signal: controller.signal, maxRetries: 0, timeout: timeoutMs },
    )
    // Compatible servers vary; one that answers without text has failed, whatever its status said.
    const text: unknown = (result as { text?: unknown }).text
    if (typeof text !== 'string') {
      throw new BridgeError({
        code: 'llm-error',
        message: 'The speech-to-text server answered without text.',
      })
    }
    return text.trim()
  } catch (error) {
    if (error instanceof BridgeError) throw error
    if (timedOut) throw failure({ code: 'timeout', message: 'Speech-to-text took too long.' }, error)
    if (signal?.aborted)
      throw failure({ code: 'cancelled', message: 'The transcription was cancelled.' }, error)
    throw failure(toBridgeFailure(error, 'transcription'), error)
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', cancel)
  }
}
