import type { AnswerStreamEvent } from '../../../shared/contract'
import { BridgeError } from '../../../shared/result'
import type { Settings } from '../../../shared/settings/schema'
import type { BridgeEventHub } from '../../bridge/events'
import type { Logger } from '../logger'
import { streamAnswer, type AnswerOutcome } from './answer-stream'
import { ConversationMemory, type ChatMessage, type Turn } from './conversation-memory'
import { createLlmClient, type LlmKeySource } from './llm-client'
import { failureLogFields } from './bounded-call'
import { failureReason } from './llm-errors'
import { SpeechService } from './speech-synthesizer'
import { transcribeWav } from './transcriber'
import { decodeBase64Audio, readWavHeader } from './wav'

export interface ConversationDependencies {
  settings: { get(): Settings }
  secrets: LlmKeySource
  events: Pick<BridgeEventHub, 'emit'>
  log: Logger
}

interface ActiveAnswer {
  requestId: string
  controller: AbortController
  turn: Turn
  /** The text the page has been sent so far. */
  streamed: string
}

/**
 * Our-own-LLM conversation, per client (one kiosk page): speech-to-text, answers streamed back to the asking
 * page only, and the visitor's history. One answer per client at a time: a new question cancels the last.
 *
 * How an answer ends, as the page sees it on `answerStream`:
 * - `done` with the full text;
 * - `error` (timeout, llm-error, unreachable, unauthorized, rate-limited, not-configured) after which the page
 *   says the fallback line;
 * - nothing at all when it was cancelled (barge-in, a newer question, the visitor or page gone): the page
 *   asked for that itself, so no event follows the cancel.
 */
export class ConversationService {
  private readonly memory = new ConversationMemory()
  private readonly answers = new Map<string, ActiveAnswer>()
  private readonly transcriptions = new Map<string, Set<AbortController>>()
  private readonly speech: SpeechService

  constructor(private readonly deps: ConversationDependencies) {
    this.speech = new SpeechService(deps)
  }

  /** LiveAvatar LITE: a sentence of the answer as 24 kHz PCM; `cancel` with the same request id aborts it. */
  synthesizeSpeech(
    clientId: string,
    requestId: string,
    text: string,
  ): ReturnType<SpeechService['synthesize']> {
    return this.speech.synthesize(clientId, requestId, text)
  }

  /** Rejects with a BridgeError: invalid-request for a bad recording, or the code of what failed. */
  async transcribe(clientId: string, utterance: { audioBase64: string }): Promise<{ text: string }> {
    const { settings, secrets, log } = this.deps
    const wav = decodeBase64Audio(utterance.audioBase64)
    const audio = readWavHeader(wav)
    const { llm, conversation } = settings.get()
    const client = await createLlmClient(llm.transcriptionBaseUrl || llm.baseUrl, secrets)
    const controller = new AbortController()
    const pending = this.transcriptions.get(clientId) ?? new Set()
    pending.add(controller)
    this.transcriptions.set(clientId, pending)
    const started = performance.now()
    try {
      const text = await transcribeWav({
        client,
        model: llm.transcriptionModel,
        wav,
        timeoutMs: llm.timeouts.transcriptionMs,
        signal: controller.signal,
      })
      log.info('utterance transcribed', {
        clientId,
        audioMs: Math.round(audio.durationMs),
        elapsedMs: Math.round(performance.now() - started),
        chars: text.length,
        ...(conversation.logTranscripts ? { transcript: text } : {}),
      })
      return { text }
    } catch (error) {
      log.warn('transcription failed', { clientId, ...failureLogFields(error, started) })
      throw error
    } finally {
      pending.delete(controller)
      if (pending.size === 0 && this.transcriptions.get(clientId) === pending)
        this.transcriptions.delete(clientId)
    }
  }

  /** Starts an answer and returns at once; its text follows as `answerStream` events for this client only. */
  ask(clientId: string, requestId: string, question: string): void {
    this.stopAnswer(clientId)
    const { llm } = this.deps.settings.get()
    const turn = this.memory.ask(clientId, question)
    const messages = this.memory.messages(clientId, llm.systemPrompt, {
      maxTurns: llm.maxTurns,
      maxTokens: llm.maxHistoryTokens,
    })
    const answer: ActiveAnswer = { requestId, controller: new AbortController(), turn, streamed: '' }
    this.answers.set(clientId, answer)
    void this.run(clientId, answer, messages)
      .catch((error: unknown) => {
        this.deps.log.error('answer failed unexpectedly', { clientId, requestId, error })
        if (answer.controller.signal.aborted) return
        this.memory.withdraw(clientId, turn)
        this.emit(clientId, {
          kind: 'error',
          requestId,
          error: { code: 'internal', message: 'Something went wrong inside the kiosk.' },
        })
      })
      .finally(() => {
        if (this.answers.get(clientId) === answer) this.answers.delete(clientId)
      })
  }

  /** Barge-in. Only the asking client's answer, and only that request: a stale cancel is a no-op. */
  cancel(clientId: string, requestId: string): void {
    if (this.answers.get(clientId)?.requestId === requestId) this.stopAnswer(clientId)
    this.speech.cancel(clientId, requestId)
  }

  /** The visitor left or the page went away: stop everything in flight and drop the history. */
  forget(clientId: string): void {
    this.stopAnswer(clientId)
    for (const controller of this.transcriptions.get(clientId) ?? []) controller.abort()
    this.transcriptions.delete(clientId)
    this.speech.forget(clientId)
    this.memory.forget(clientId)
  }

  /** App shutdown. */
  close(): void {
    for (const clientId of new Set([...this.answers.keys(), ...this.transcriptions.keys()]))
      this.forget(clientId)
    this.speech.close()
    this.memory.forgetAll()
  }

  /** For tests and diagnostics: how many turns a client's history holds. */
  historyLength(clientId: string): number {
    return this.memory.turns(clientId).length
  }

  /** For tests and diagnostics: speech requests still in flight for a client. */
  pendingSpeech(clientId: string): number {
    return this.speech.pending(clientId)
  }

  activeAnswer(clientId: string): string | undefined {
    return this.answers.get(clientId)?.requestId
  }

  private stopAnswer(clientId: string): void {
    const answer = this.answers.get(clientId)
    if (!answer) return
    this.answers.delete(clientId)
    answer.controller.abort()
    // Recorded now, before a newer question builds its messages: the visitor may have heard some of it.
    this.memory.answer(clientId, answer.turn, answer.streamed)
  }

  private async run(clientId: string, answer: ActiveAnswer, messages: ChatMessage[]): Promise<void> {
    const { settings, secrets } = this.deps
    const { llm } = settings.get()
    const { requestId, controller } = answer
    const started = performance.now()
    let outcome: AnswerOutcome
    try {
      const client = await createLlmClient(llm.baseUrl, secrets)
      outcome = await streamAnswer({
        client,
        model: llm.model,
        messages,
        temperature: llm.temperature,
        firstTokenMs: llm.timeouts.firstTokenMs,
        totalMs: llm.timeouts.totalMs,
        signal: controller.signal,
        onDelta: (text) => {
          if (controller.signal.aborted) return
          answer.streamed += text
          this.emit(clientId, { kind: 'delta', requestId, text })
        },
      })
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error
      outcome = { kind: 'error', text: '', error: error.toPayload() }
    }
    // Whatever the stream said last, a cancel that came first wins: nothing more reaches the page.
    if (controller.signal.aborted && outcome.kind !== 'cancelled')
      outcome = { kind: 'cancelled', text: outcome.text }
    this.settle(clientId, answer, outcome, messages.length, performance.now() - started)
  }

  private settle(
    clientId: string,
    { requestId, turn, streamed }: ActiveAnswer,
    outcome: AnswerOutcome,
    messageCount: number,
    elapsed: number,
  ): void {
    const { settings, log } = this.deps
    const transcript = settings.get().conversation.logTranscripts
      ? { question: turn.question, answer: outcome.text }
      : {}
    const facts = {
      clientId,
      requestId,
      messages: messageCount,
      chars: outcome.text.length,
      elapsedMs: Math.round(elapsed),
    }
    if (outcome.kind === 'done') {
      this.memory.answer(clientId, turn, outcome.text)
      this.emit(clientId, { kind: 'done', requestId, text: outcome.text })
      log.info('answer done', { ...facts, firstTokenMs: Math.round(outcome.firstTokenMs), ...transcript })
    } else if (outcome.kind === 'cancelled') {
      this.memory.answer(clientId, turn, streamed)
      log.info('answer cancelled', { ...facts, ...transcript })
    } else {
      this.memory.withdraw(clientId, turn)
      this.emit(clientId, { kind: 'error', requestId, error: outcome.error })
      log.warn('answer failed', {
        ...facts,
        code: outcome.error.code,
        reason: outcome.cause === undefined ? outcome.error.message : failureReason(outcome.cause),
        ...transcript,
      })
    }
  }

  private emit(clientId: string, event: AnswerStreamEvent): void {
    this.deps.events.emit('answerStream', event, clientId)
  }
}
