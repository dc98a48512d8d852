import type { TurnDetectorEvents } from './turn-detector'
import { looksComplete } from './turn-completeness'

export type TurnTakingMode = 'patient' | 'speculative' | 'quick'

export interface TurnTakingDeps {
  mode(): TurnTakingMode
  language(): string
  /** Speech-to-text of 16 kHz samples; rejects when it fails. */
  transcribe(audio: Float32Array): Promise<string>
  /** Someone really started speaking. */
  speechStarted(): void
  /** The visitor's turn is over (what they said may still be on its way to text). */
  turnEnded(): void
  /** A turn with nothing prepared for it: answer this now. */
  answer(text: string): void
  /**
   * Transcribes audio taken in a pause, and has main start an answer to it as soon as the transcript is there
   * (none for an empty one), held back from the avatar: the answer's request id at once, the transcript later.
   */
  prepare(audio: Float32Array): { requestId: string; transcript: Promise<string> }
  /** Let the prepared answer speak (the visitor's words are shown with it). */
  speak(requestId: string, text: string): void
  /** The turn is over for certain: the prepared answer is the real one. */
  confirm(requestId: string): void
  /** The visitor went on: throw the prepared answer away, and stop the avatar if it had begun to speak it. */
  discard(requestId: string): void
  transcriptionFailed(error: unknown): void
  misfire(): void
}

interface Speculation {
  transcript: Promise<void>
  text?: string
  requestId?: string
  failed: boolean
  /** The visitor went on, or the microphone stopped: nothing of this may be said. */
  dropped: boolean
  /** The full silence came: the end-of-turn handler takes over. */
  ended: boolean
  /** Answered early, before the full silence (quick mode). */
  released: boolean
}

/**
 * How much longer than the end-of-turn silence a turn is held while what was said so far sounds unfinished
 * ("What time does…"), or its transcript is still on the way: people pause mid-question for half a second and
 * more, and a fading voice makes the silence look longer than it is.
 */
export const UNFINISHED_EXTRA_SILENCE_MS = 500

function mark(name: string): void {
  performance.mark(name)
}

/**
 * Turn taking on top of the turn detector. Patient: transcribe and answer after the full silence. Speculative:
 * at a short pause, transcribe what was said so far and start the LLM on it, but let the avatar speak only when
 * the full silence confirms the turn is over; if the visitor goes on, the transcript is dropped and the answer
 * cancelled at once. Quick: as speculative, and a transcript that is plainly a complete question or sentence
 * is answered at once; should the visitor still go on before the full silence, that answer is withdrawn too.
 * In both, a turn whose pause transcript sounds unfinished, or has not come back yet, is held open a little past
 * the full silence (`UNFINISHED_EXTRA_SILENCE_MS`).
 *
 * Performance marks, for the benches: `kiosk:pause`, `kiosk:transcribed`, `kiosk:speculation-dropped`,
 * `kiosk:turn-end` (the turn taken as over, early or not) and `kiosk:speech-end` (the full silence elapsed).
 */
export class TurnTaking implements TurnDetectorEvents {
  private speculation: Speculation | undefined

  constructor(private readonly deps: TurnTakingDeps) {}

  speechStart(): void {
    this.deps.speechStarted()
  }

  misfire(): void {
    this.deps.misfire()
  }

  pause(audio: Float32Array): void {
    if (this.deps.mode() === 'patient') return
    mark('kiosk:pause')
    this.drop()
    const { requestId, transcript } = this.deps.prepare(audio)
    const speculation: Speculation = {
      transcript: Promise.resolve(),
      requestId,
      failed: false,
      dropped: false,
      ended: false,
      released: false,
    }
    this.speculation = speculation
    speculation.transcript = transcript.then(
      (text) => this.onSpeculativeTranscript(speculation, text.trim()),
      () => {
        speculation.failed = true
        this.forgetAnswer(speculation)
      },
    )
  }

  resume(): void {
    if (this.drop()) mark('kiosk:speculation-dropped')
  }

  async endOfTurn(audio: Float32Array): Promise<void> {
    mark('kiosk:speech-end')
    const speculation = this.speculation
    this.speculation = undefined
    if (speculation?.released) {
      this.deps.confirm(speculation.requestId as string)
      return
    }
    mark('kiosk:turn-end')
    this.deps.turnEnded()
    if (speculation) {
      speculation.ended = true
      await speculation.transcript
      if (speculation.dropped) return
      if (!speculation.failed) {
        if (speculation.requestId !== undefined) {
          this.deps.speak(speculation.requestId, speculation.text as string)
          this.deps.confirm(speculation.requestId)
        }
        return
      }
    }
    let text: string
    try {
      text = (await this.deps.transcribe(audio)).trim()
    } catch (error) {
      this.deps.transcriptionFailed(error)
      return
    }
    mark('kiosk:transcribed')
    if (text) this.deps.answer(text)
  }

  extraSilenceMs(): number {
    const speculation = this.speculation
    if (!speculation || speculation.released || speculation.failed) return 0
    if (speculation.text === undefined) return UNFINISHED_EXTRA_SILENCE_MS
    if (!speculation.text || looksComplete(speculation.text, this.deps.language())) return 0
    return UNFINISHED_EXTRA_SILENCE_MS
  }

  /** The microphone paused or closed mid-turn: nothing prepared for that turn may be said. */
  reset(): void {
    this.drop()
  }

  private onSpeculativeTranscript(speculation: Speculation, text: string): void {
    if (speculation.dropped) return
    mark('kiosk:transcribed')
    speculation.text = text
    if (!text) return this.forgetAnswer(speculation)
    if (speculation.ended || this.deps.mode() !== 'quick') return
    if (!looksComplete(text, this.deps.language())) return
    speculation.released = true
    mark('kiosk:turn-end')
    this.deps.turnEnded()
    this.deps.speak(speculation.requestId as string, text)
  }

  /** No answer will come for this speculation (nothing heard, or the transcription failed): drop its slot. */
  private forgetAnswer(speculation: Speculation): void {
    if (speculation.dropped || speculation.requestId === undefined) return
    this.deps.discard(speculation.requestId)
    speculation.requestId = undefined
  }

  /** Drops the current speculation; true if there was one. */
  private drop(): boolean {
    const speculation = this.speculation
    this.speculation = undefined
    if (!speculation) return false
    speculation.dropped = true
    if (speculation.requestId !== undefined) this.deps.discard(speculation.requestId)
    return true
  }
}
