import type { AnswerStreamEvent } from '../../../shared/contract'
import { BridgeError } from '../../../shared/result'
import type { Settings } from '../../../shared/settings/schema'
import type { BridgeEventHub } from '../../bridge/events'
import type { Logger } from '../logger'
import type { AnswerCount } from '../usage/usage-model'
import { streamAnswer, type AnswerOutcome } from './answer-stream'
import { ConversationMemory, type ChatMessage, type HistoryBudget, type Turn } from './conversation-memory'
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
  /** Main's own usage figures (the usage ledger's `countAnswer`): speculative answers and the discarded ones. */
  count(kind: AnswerCount): void
}

/**
 * - `speculative`: asked before the visitor's turn was confirmed over; its turn leaves the history again
 *   unless it is committed.
 * - `committed`: an ordinary answer, asked as one or a speculative one committed.
 * - `discarded`: a speculative one cancelled before its commit; its turn is withdrawn already.
 */
type Standing = 'speculative' | 'committed' | 'discarded'

/** Why a speculative answer was thrown away, for the log. */
type DiscardReason = 'cancelled' | 'superseded' | 'forgotten'

interface ActiveAnswer {
  requestId: string
  controller: AbortController
  turn: Turn
  /** The text the page has been sent so far. */
  streamed: string
  standing: Standing
  /** `performance.now()` when it was asked. */
  asked: number
  /** The full text, once the LLM finished; set only while a finished speculative answer waits for its commit. */
  finished?: string
}

/** A speech-to-text call in flight; `answerId`: the speculative answer to start on its transcript. */
interface PendingTranscription {
  controller: AbortController
  answerId?: string
}

/**
 * Our-own-LLM conversation, per client (one kiosk page): speech-to-text, answers streamed back to the asking
 * page only, and the visitor's history. One answer per client at a time: a new question cancels the last.
 *
 * A speculative answer (asked on a transcript taken during a pause) streams like any other, but the page holds
 * it back until the visitor's turn is over and then commits it. Until that commit its question and answer are
 * not part of the history: a cancel, a newer question or the visitor leaving withdraws the turn, even when the
 * LLM had already finished, so no later question is ever sent a question the visitor did not finish asking.
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
  /** Answers still streaming. */
  private readonly answers = new Map<string, ActiveAnswer>()
  /** Speculative answers the LLM finished, waiting for their commit (or cancel). */
  private readonly held = new Map<string, ActiveAnswer>()
  private readonly transcriptions = new Map<string, Set<PendingTranscription>>()
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

  /**
   * Rejects with a BridgeError: invalid-request for a bad recording, or the code of what failed. With `answer`,
   * a speculative answer to a non-empty transcript is started under that id before the transcript is returned,
   * saving the page's round trip; a cancel of that id while the transcription runs aborts it instead.
   */
  async transcribe(
    clientId: string,
    utterance: { audioBase64: string; answer?: { requestId: string } },
  ): Promise<{ text: string }> {
    const { settings, secrets, log } = this.deps
    const wav = decodeBase64Audio(utterance.audioBase64)
    const audio = readWavHeader(wav)
    const { llm, conversation } = settings.get()
    const client = await createLlmClient(llm.transcriptionBaseUrl || llm.baseUrl, secrets)
    const controller = new AbortController()
    const transcription: PendingTranscription = { controller, answerId: utterance.answer?.requestId }
    const pending = this.transcriptions.get(clientId) ?? new Set()
    pending.add(transcription)
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
      if (transcription.answerId !== undefined && text)
        this.ask(clientId, transcription.answerId, text, { speculative: true })
      return { text }
    } catch (error) {
      log.warn('transcription failed', { clientId, ...failureLogFields(error, started) })
      throw error
    } finally {
      pending.delete(transcription)
      if (pending.size === 0 && this.transcriptions.get(clientId) === pending)
        this.transcriptions.delete(clientId)
    }
  }

  /**
   * Starts an answer and returns at once; its text follows as `answerStream` events for this client only.
   * `speculative`: it joins the history only on `commit`.
   */
  ask(
    clientId: string,
    requestId: string,
    question: string,
    { speculative = false }: { speculative?: boolean } = {},
  ): void {
    this.stopAnswer(clientId, 'superseded')
    this.dropHeld(clientId, 'superseded')
    const { llm } = this.deps.settings.get()
    const turn = this.memory.ask(clientId, question)
    const messages = this.memory.messages(clientId, llm.systemPrompt, this.budget(), {
      keepOlder: speculative,
    })
    const answer: ActiveAnswer = {
      requestId,
      controller: new AbortController(),
      turn,
      streamed: '',
      standing: speculative ? 'speculative' : 'committed',
      asked: performance.now(),
    }
    this.answers.set(clientId, answer)
    if (speculative) this.deps.count('speculative-answer')
    void this.run(clientId, answer, messages)
      .catch((error: unknown) => {
        this.deps.log.error('answer failed unexpectedly', { clientId, requestId, error })
        if (this.held.get(clientId) === answer) this.held.delete(clientId)
        if (answer.controller.signal.aborted || answer.standing === 'discarded') return
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

  /**
   * Barge-in, or the visitor went on speaking over a speculative answer (then discarded, even if finished).
   * Only the asking client's answer, and only that request: a stale cancel is a no-op.
   */
  cancel(clientId: string, requestId: string): void {
    for (const transcription of this.transcriptions.get(clientId) ?? [])
      if (transcription.answerId === requestId) transcription.controller.abort()
    if (this.answers.get(clientId)?.requestId === requestId) this.stopAnswer(clientId, 'cancelled')
    if (this.held.get(clientId)?.requestId === requestId) this.dropHeld(clientId, 'cancelled')
    this.speech.cancel(clientId, requestId)
  }

  /**
   * The visitor's turn is over: the speculative answer becomes an ordinary one (a later barge-in keeps what was
   * streamed of it, as for any answer). A finished one goes into the history now, as `done` would have put it.
   * A commit of another request, of an answer already gone, or of an ordinary answer is a no-op.
   */
  commit(clientId: string, requestId: string): void {
    const active = this.answers.get(clientId)
    const answer =
      active?.requestId === requestId && active.standing === 'speculative'
        ? active
        : this.held.get(clientId)?.requestId === requestId
          ? this.held.get(clientId)
          : undefined
    if (!answer) return
    answer.standing = 'committed'
    // Forgotten only now: while it was speculative, the turns its question pushed out of the budget were kept.
    this.memory.trim(clientId, this.budget())
    if (answer.finished !== undefined) {
      this.held.delete(clientId)
      this.memory.answer(clientId, answer.turn, answer.finished)
    }
    this.deps.log.debug('answer committed (speculative)', {
      clientId,
      requestId,
      finished: answer.finished !== undefined,
      elapsedMs: Math.round(performance.now() - answer.asked),
    })
  }

  /** The visitor left or the page went away: stop everything in flight and drop the history. */
  forget(clientId: string): void {
    this.stopAnswer(clientId, 'forgotten')
    this.dropHeld(clientId, 'forgotten')
    for (const { controller } of this.transcriptions.get(clientId) ?? []) controller.abort()
    this.transcriptions.delete(clientId)
    this.speech.forget(clientId)
    this.memory.forget(clientId)
  }

  /** App shutdown. */
  close(): void {
    const clients = [...this.answers.keys(), ...this.held.keys(), ...this.transcriptions.keys()]
    for (const clientId of new Set(clients)) this.forget(clientId)
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

  /** For tests and diagnostics: the speculative answer (streaming or finished) still waiting for its commit. */
  uncommittedAnswer(clientId: string): string | undefined {
    const active = this.answers.get(clientId)
    return active?.standing === 'speculative' ? active.requestId : this.held.get(clientId)?.requestId
  }

  private budget(): HistoryBudget {
    const { llm } = this.deps.settings.get()
    return { maxTurns: llm.maxTurns, maxTokens: llm.maxHistoryTokens }
  }

  private stopAnswer(clientId: string, reason: DiscardReason): void {
    const answer = this.answers.get(clientId)
    if (!answer) return
    this.answers.delete(clientId)
    answer.controller.abort()
    // Both before a newer question builds its messages: what the visitor may have heard of an ordinary answer
    // is kept; of a speculative one the visitor heard nothing, and its question was never finished.
    if (answer.standing === 'speculative') this.discard(clientId, answer, reason)
    else this.memory.answer(clientId, answer.turn, answer.streamed)
  }

  private dropHeld(clientId: string, reason: DiscardReason): void {
    const answer = this.held.get(clientId)
    if (!answer) return
    this.held.delete(clientId)
    this.discard(clientId, answer, reason)
  }

  /** A speculative answer the visitor will never hear: out of the history, and counted as LLM cost wasted. */
  private discard(clientId: string, answer: ActiveAnswer, reason: DiscardReason): void {
    answer.standing = 'discarded'
    this.memory.withdraw(clientId, answer.turn)
    this.deps.count('speculative-discarded')
    this.deps.log.info('answer discarded (speculative)', {
      clientId,
      requestId: answer.requestId,
      reason,
      finished: answer.finished !== undefined,
      chars: (answer.finished ?? answer.streamed).length,
      elapsedMs: Math.round(performance.now() - answer.asked),
      ...(this.deps.settings.get().conversation.logTranscripts
        ? { question: answer.turn.question, answer: answer.finished ?? answer.streamed }
        : {}),
    })
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
    answer: ActiveAnswer,
    outcome: AnswerOutcome,
    messageCount: number,
    elapsed: number,
  ): void {
    const { settings, log } = this.deps
    const { requestId, turn, streamed } = answer
    const speculative = answer.standing === 'speculative'
    const transcript = settings.get().conversation.logTranscripts
      ? { question: turn.question, answer: outcome.text }
      : {}
    const facts = {
      clientId,
      requestId,
      messages: messageCount,
      chars: outcome.text.length,
      elapsedMs: Math.round(elapsed),
      ...(speculative ? { speculative } : {}),
    }
    if (outcome.kind === 'done') {
      // The page gets it either way and holds a speculative one back; the history waits for the commit.
      if (speculative) {
        answer.finished = outcome.text
        this.held.set(clientId, answer)
      } else {
        this.memory.answer(clientId, turn, outcome.text)
      }
      this.emit(clientId, { kind: 'done', requestId, text: outcome.text })
      log.info('answer done', { ...facts, firstTokenMs: Math.round(outcome.firstTokenMs), ...transcript })
    } else if (outcome.kind === 'cancelled') {
      // A discarded speculative answer was withdrawn and logged when it was cancelled.
      if (answer.standing !== 'committed') return
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
