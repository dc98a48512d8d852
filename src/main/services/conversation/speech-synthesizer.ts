import type OpenAI from 'openai'
import { BridgeError } from '../../../shared/result'
import type { Settings } from '../../../shared/settings/schema'
import type { Logger } from '../logger'
import { createLlmClient, type LlmKeySource } from './llm-client'
import { boundedCall, failureLogFields } from './bounded-call'

/** What OpenAI's `response_format: 'pcm'` is, and what LiveAvatar LITE's `repeatAudio` expects. */
export const SPEECH_SAMPLE_RATE = 24_000

export interface SynthesizeOptions {
  client: OpenAI
  model: string
  voice: string
  text: string
  timeoutMs: number
  /** Aborted by barge-in or when the page goes away; the call then fails with `cancelled`. */
  signal?: AbortSignal
}

/** Text to 24 kHz 16-bit mono little-endian PCM through any OpenAI-compatible `audio.speech`. */
export async function synthesizePcm({
  client,
  model,
  voice,
  text,
  timeoutMs,
  signal,
}: SynthesizeOptions): Promise<Buffer> {
  return boundedCall(
    {
      task: 'speech',
      timeoutMs,
      signal,
      timeoutMessage: 'Text to speech took too long.',
      cancelMessage: 'The speech was cancelled.',
    },
    async (bounded) => {
      const response = await client.audio.speech.create(
        { model, voice, input: text, response_format: 'pcm' },
        { signal: bounded, maxRetries: 0, timeout: timeoutMs },
      )
      const audio = Buffer.from(await response.arrayBuffer())
      // 16-bit samples: an odd trailing byte is half a sample, which would shift every sample after it.
      const whole = audio.subarray(0, audio.length - (audio.length % 2))
      if (whole.length === 0) {
        throw new BridgeError({
          code: 'llm-error',
          message: 'The text-to-speech server answered without audio.',
        })
      }
      return whole
    },
  )
}

export interface SpeechDependencies {
  settings: { get(): Settings }
  secrets: LlmKeySource
  log: Logger
}

/**
 * Speech for LiveAvatar LITE, per client (one kiosk page), with the LLM key in main. Each request is named by
 * the answer's request id, so a barge-in (`cancelAnswer`) stops every sentence of that answer still in flight.
 */
export class SpeechService {
  private readonly inFlight = new Map<string, Map<string, Set<AbortController>>>()

  constructor(private readonly deps: SpeechDependencies) {}

  async synthesize(
    clientId: string,
    requestId: string,
    text: string,
  ): Promise<{ pcmBase64: string; sampleRate: typeof SPEECH_SAMPLE_RATE }> {
    const { settings, secrets, log } = this.deps
    const { llm, conversation } = settings.get()
    const client = await createLlmClient(llm.speech.baseUrl || llm.baseUrl, secrets)
    const controller = new AbortController()
    const release = this.track(clientId, requestId, controller)
    const started = performance.now()
    try {
      const pcm = await synthesizePcm({
        client,
        model: llm.speech.model,
        voice: llm.speech.voice,
        text,
        timeoutMs: llm.speech.timeoutMs,
        signal: controller.signal,
      })
      log.info('speech synthesized', {
        clientId,
        requestId,
        chars: text.length,
        audioMs: Math.round((pcm.length / 2 / SPEECH_SAMPLE_RATE) * 1000),
        elapsedMs: Math.round(performance.now() - started),
        ...(conversation.logTranscripts ? { text } : {}),
      })
      return { pcmBase64: pcm.toString('base64'), sampleRate: SPEECH_SAMPLE_RATE }
    } catch (error) {
      const fields = failureLogFields(error, started)
      log[fields.code === 'cancelled' ? 'info' : 'warn']('speech failed', { clientId, requestId, ...fields })
      throw error
    } finally {
      release()
    }
  }

  /** Barge-in: every sentence of this answer, for this client only. */
  cancel(clientId: string, requestId: string): void {
    for (const controller of this.inFlight.get(clientId)?.get(requestId) ?? []) controller.abort()
  }

  /** The page went away or the visitor left. */
  forget(clientId: string): void {
    for (const controllers of this.inFlight.get(clientId)?.values() ?? [])
      for (const controller of controllers) controller.abort()
  }

  close(): void {
    for (const clientId of [...this.inFlight.keys()]) this.forget(clientId)
  }

  /** For tests and diagnostics. */
  pending(clientId: string): number {
    return [...(this.inFlight.get(clientId)?.values() ?? [])].reduce((sum, set) => sum + set.size, 0)
  }

  private track(clientId: string, requestId: string, controller: AbortController): () => void {
    const requests = this.inFlight.get(clientId) ?? new Map<string, Set<AbortController>>()
    const controllers = requests.get(requestId) ?? new Set<AbortController>()
    controllers.add(controller)
    requests.set(requestId, controllers)
    this.inFlight.set(clientId, requests)
    return () => {
      controllers.delete(controller)
      if (controllers.size === 0 && requests.get(requestId) === controllers) requests.delete(requestId)
      if (requests.size === 0 && this.inFlight.get(clientId) === requests) this.inFlight.delete(clientId)
    }
  }
}
