import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE } from '../media/ffmpeg-args'
import { rmsOf } from '../media/mouth'
import type { AudioUtteranceRecord } from '../session/room-session'
import { resample } from '../speech/resample'

/** LITE speech arrives as PCM16 mono at 24 kHz (notes §3.3). */
export const LITE_SAMPLE_RATE = 24_000
/** Audio held at once, across utterances: beyond this, chunks are dropped rather than memory grown. */
const MAX_BUFFERED_SECONDS = 120
const MAX_RECORDS = 500

export interface LiteAudioEvents {
  /** Playback of an utterance began (its first 20 ms went out). */
  started(eventId: string): void
  ended(eventId: string, interrupted: boolean): void
}

interface Utterance {
  record: AudioUtteranceRecord
  /** 48 kHz PCM not yet played, oldest first; `offset` is how far into the first chunk playback is. */
  chunks: Int16Array[]
  offset: number
  buffered: number
  complete: boolean
  started: boolean
}

/**
 * The avatar's voice in LITE mode. The SDK sends an utterance's chunks all at once and `agent.speak_end`
 * straight after (notes §10.2), so they are buffered per `event_id` and played at real-time pace by whoever
 * pulls 20 ms frames (the session's audio clock), one utterance after another. Playback starts with the first
 * chunk; if the buffer runs dry before `speak_end`, silence is played until more arrives.
 */
export class LiteAudioQueue {
  readonly records: AudioUtteranceRecord[] = []
  private readonly queue: Utterance[] = []

  constructor(
    private readonly events: LiteAudioEvents,
    private readonly now: () => number = Date.now,
  ) {}

  get speaking(): boolean {
    return this.queue.length > 0
  }

  /** Samples (48 kHz) waiting to be played, across utterances. */
  get bufferedSamples(): number {
    return this.queue.reduce((sum, utterance) => sum + utterance.buffered, 0)
  }

  /** Adds one `agent.speak` chunk (24 kHz samples); returns false if it was dropped. */
  append(eventId: string, pcm24k: Int16Array): boolean {
    const playable = resample(pcm24k, LITE_SAMPLE_RATE, AUDIO_SAMPLE_RATE)
    if (this.bufferedSamples + playable.length > MAX_BUFFERED_SECONDS * AUDIO_SAMPLE_RATE) return false
    let utterance = this.queue.find(
      (candidate) => candidate.record.eventId === eventId && !candidate.complete,
    )
    if (!utterance) {
      const record: AudioUtteranceRecord = {
        eventId,
        firstChunkAt: this.now(),
        receivedAt: null,
        samples: 0,
        startedAt: null,
        endedAt: null,
        interrupted: false,
      }
      this.records.push(record)
      if (this.records.length > MAX_RECORDS) this.records.shift()
      utterance = { record, chunks: [], offset: 0, buffered: 0, complete: false, started: false }
      this.queue.push(utterance)
    }
    utterance.record.samples += pcm24k.length
    utterance.chunks.push(playable)
    utterance.buffered += playable.length
    return true
  }

  /** `agent.speak_end`: nothing more comes for this utterance; it ends once played out. */
  end(eventId: string): void {
    const utterance = this.queue.find(
      (candidate) => candidate.record.eventId === eventId && !candidate.complete,
    )
    if (!utterance) return
    utterance.complete = true
    utterance.record.receivedAt = this.now()
  }

  /** Drops all queued speech; the utterance being played ends now, as interrupted. */
  interrupt(): void {
    const at = this.now()
    for (const utterance of this.queue.splice(0)) {
      utterance.record.interrupted = true
      if (!utterance.started) continue
      utterance.record.endedAt = at
      this.events.ended(utterance.record.eventId, true)
    }
  }

  /** Fills `frame` with the next 20 ms (silence when idle or starved) and returns its RMS level. */
  nextFrame(frame: Int16Array = new Int16Array(AUDIO_FRAME_SAMPLES)): { frame: Int16Array; rms: number } {
    frame.fill(0)
    const utterance = this.queue[0]
    if (!utterance) return { frame, rms: 0 }
    if (!utterance.started) {
      if (utterance.buffered === 0) return { frame, rms: 0 }
      utterance.started = true
      utterance.record.startedAt = this.now()
      this.events.started(utterance.record.eventId)
    }
    let filled = 0
    while (filled < frame.length && utterance.chunks.length > 0) {
      const chunk = utterance.chunks[0]!
      const take = Math.min(frame.length - filled, chunk.length - utterance.offset)
      frame.set(chunk.subarray(utterance.offset, utterance.offset + take), filled)
      filled += take
      utterance.offset += take
      utterance.buffered -= take
      if (utterance.offset >= chunk.length) {
        utterance.chunks.shift()
        utterance.offset = 0
      }
    }
    if (utterance.complete && utterance.buffered === 0) {
      this.queue.shift()
      utterance.record.endedAt = this.now()
      this.events.ended(utterance.record.eventId, false)
    }
    return { frame, rms: rmsOf(frame) }
  }
}
