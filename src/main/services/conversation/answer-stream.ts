import type OpenAI from 'openai'
import type { BridgeErrorPayload } from '../../../shared/result'
import type { ChatMessage } from './conversation-memory'
import { toBridgeFailure } from './llm-errors'

export interface StreamAnswerOptions {
  client: OpenAI
  model: string
  messages: ChatMessage[]
  temperature?: number | undefined
  /** From the request until the first word of the answer. */
  firstTokenMs: number
  /** For the whole answer. */
  totalMs: number
  /** Barge-in or a page gone: stops the stream, and nothing more is handed to `onDelta`. */
  signal: AbortSignal
  onDelta(text: string): void
}

export type AnswerOutcome =
  | { kind: 'done'; text: string; firstTokenMs: number }
  | { kind: 'cancelled'; text: string }
  | { kind: 'error'; text: string; error: BridgeErrorPayload; cause?: unknown }

/**
 * Streams one chat completion, handing each piece of text on as it arrives. Never throws: every way it can
 * end is an outcome, so the caller has one place that decides what the visitor hears.
 */
export async function streamAnswer(options: StreamAnswerOptions): Promise<AnswerOutcome> {
  const { client, model, messages, temperature, signal, onDelta } = options
  const started = performance.now()
  const controller = new AbortController()
  let timedOut: 'first-token' | 'total' | undefined
  const timeOut = (which: 'first-token' | 'total') => () => {
    timedOut = which
    controller.abort()
  }
  const firstTokenTimer = setTimeout(timeOut('first-token'), options.firstTokenMs)
  const totalTimer = setTimeout(timeOut('total'), options.totalMs)
  const cancel = () => controller.abort()
  signal.addEventListener('abort', cancel, { once: true })

  let text = ''
  let firstTokenMs = -1
  const stopped = (): AnswerOutcome | undefined => {
    if (signal.aborted) return { kind: 'cancelled', text }
    if (timedOut === 'first-token') {
      return {
        kind: 'error',
        text,
        error: { code: 'timeout', message: 'The LLM did not start answering in time.' },
      }
    }
    if (timedOut === 'total') {
      return {
        kind: 'error',
        text,
        error: { code: 'timeout', message: 'The LLM did not finish answering in time.' },
      }
    }
    return undefined
  }

  try {
    if (signal.aborted) return { kind: 'cancelled', text }
    const stream = await client.chat.completions.create(
      { model, messages, stream: true, ...(temperature !== undefined ? { temperature } : {}) },
      // The SDK's own timeout only covers the wait for response headers; ours above cover the whole stream.
      { signal: controller.signal, maxRetries: 0, timeout: options.totalMs },
    )
    for await (const chunk of stream) {
      // The SDK ends the loop quietly when aborted; a chunk already in hand must not reach the visitor.
      if (controller.signal.aborted) break
      const delta = chunk.choices[0]?.delta?.content
      if (!delta) continue
      if (firstTokenMs < 0) {
        clearTimeout(firstTokenTimer)
        firstTokenMs = performance.now() - started
      }
      text += delta
      onDelta(delta)
    }
    const interrupted = stopped()
    if (interrupted) return interrupted
    if (text.trim() === '') {
      return {
        kind: 'error',
        text,
        error: { code: 'llm-error', message: 'The LLM returned an empty answer.' },
      }
    }
    return { kind: 'done', text, firstTokenMs }
  } catch (error) {
    const interrupted = stopped()
    if (interrupted) return interrupted.kind === 'error' ? { ...interrupted, cause: error } : interrupted
    return { kind: 'error', text, error: toBridgeFailure(error, 'answer'), cause: error }
  } finally {
    clearTimeout(firstTokenTimer)
    clearTimeout(totalTimer)
    signal.removeEventListener('abort', cancel)
  }
}
