import type OpenAI from 'openai'
import { toFile } from 'openai'
import { BridgeError } from '../../../shared/result'
import { boundedCall } from './bounded-call'

export interface TranscribeOptions {
  client: OpenAI
  model: string
  wav: Buffer
  timeoutMs: number
  /** Aborted when the page goes away; the call then fails with `cancelled`. */
  signal?: AbortSignal
}

/** Speech-to-text of one utterance. The audio lives only in this call: it is sent, never written anywhere. */
export async function transcribeWav({
  client,
  model,
  wav,
  timeoutMs,
  signal,
}: TranscribeOptions): Promise<string> {
  return boundedCall(
    {
      task: 'transcription',
      timeoutMs,
      signal,
      timeoutMessage: 'Speech-to-text took too long.',
      cancelMessage: 'The transcription was cancelled.',
    },
    async (bounded) => {
      const result = await client.audio.transcriptions.create(
        { file: await toFile(wav, 'utterance.wav', { type: 'audio/wav' }), model, response_format: 'json' },
        { signal: bounded, maxRetries: 0, timeout: timeoutMs },
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
    },
  )
}
