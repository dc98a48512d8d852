import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE } from '../media/ffmpeg-args'
import { rmsOf } from '../media/mouth'
import { timeWords, voicedSpanMs, type TimedWord } from './word-timing'

export interface SpeakerEvents {
  startTalking(taskId: string): void
  word(taskId: string, message: string): void
  /** `text` is the whole utterance, for protocols that send a final transcription. */
  endMessage(taskId: string, text: string): void
  stopTalking(taskId: string, durationMs: number, interrupted: boolean): void
}

export interface TaskOutcome {
  taskId: string
  /** How long the avatar spoke: the whole utterance, or up to the interruption. */
  durationMs: number
  interrupted: boolean
}

interface QueuedTask {
  id: string
  text: string
  pcm: Int16Array | undefined
  failed: boolean
  settle: (outcome: TaskOutcome) => void
  fail: (error: Error) => void
}

interface CurrentTask {
  task: QueuedTask
  pcm: Int16Array
  position: number
  words: TimedWord[]
  nextWord: number
}

const samplesToMs = (samples: number): number => Math.round((samples * 1000) / AUDIO_SAMPLE_RATE)
/** About -84 dBFS: audibly silent, but a stream that is never digitally zero, like a real microphone chain. */
const COMFORT_NOISE_AMPLITUDE = 2

/**
 * Turns queued utterances into a continuous 48 kHz stream, 20 ms at a time, and emits the talking events in
 * step with the audio. It has no clock of its own: the caller pulls frames at real-time pace, tests pull fast.
 */
export class Speaker {
  private readonly queue: QueuedTask[] = []
  private current: CurrentTask | undefined

  constructor(private readonly events: SpeakerEvents) {}

  get speaking(): boolean {
    return this.current !== undefined || this.queue.length > 0
  }

  /** Utterances queued or playing: what RoomSession bounds. */
  get inFlight(): number {
    return this.queue.length + (this.current === undefined ? 0 : 1)
  }

  /** Queues speech; resolves when it has been spoken or interrupted, rejects if synthesis failed. */
  enqueue(id: string, text: string, pcm: Promise<Int16Array>): Promise<TaskOutcome> {
    return new Promise((settle, fail) => {
      const task: QueuedTask = { id, text, pcm: undefined, failed: false, settle, fail }
      this.queue.push(task)
      pcm.then(
        (samples) => (task.pcm = samples),
        (error: unknown) => {
          task.failed = true
          fail(error instanceof Error ? error : new Error(String(error)))
        },
      )
    })
  }

  /** Drops everything queued and cuts the current utterance short, with its end events. */
  interrupt(): void {
    for (const task of this.queue.splice(0))
      task.settle({ taskId: task.id, durationMs: 0, interrupted: true })
    const current = this.current
    if (!current) return
    this.current = undefined
    const durationMs = samplesToMs(current.position)
    this.events.endMessage(current.task.id, current.task.text)
    this.events.stopTalking(current.task.id, durationMs, true)
    current.task.settle({ taskId: current.task.id, durationMs, interrupted: true })
  }

  /** Fills `frame` with the next 20 ms of audio and returns its RMS level (0..1). */
  nextFrame(frame: Int16Array = new Int16Array(AUDIO_FRAME_SAMPLES)): { frame: Int16Array; rms: number } {
    this.startNextIfReady()
    const current = this.current
    if (!current) {
      for (let i = 0; i < frame.length; i++)
        frame[i] = Math.round((Math.random() * 2 - 1) * COMFORT_NOISE_AMPLITUDE)
      return { frame, rms: 0 }
    }
    const available = Math.max(0, Math.min(frame.length, current.pcm.length - current.position))
    frame.set(current.pcm.subarray(current.position, current.position + available))
    frame.fill(0, available)
    current.position += frame.length
    this.emitWordsUpTo(current, samplesToMs(current.position))
    if (current.position >= current.pcm.length) this.finish(current)
    return { frame, rms: rmsOf(frame) }
  }

  private startNextIfReady(): void {
    while (!this.current && this.queue.length > 0) {
      const head = this.queue[0]!
      if (head.failed) {
        this.queue.shift()
        continue
      }
      // Synthesis still running: stay silent rather than let a later, quicker task jump the queue.
      if (!head.pcm) return
      this.queue.shift()
      const voiced = voicedSpanMs(head.pcm, AUDIO_SAMPLE_RATE)
      this.current = {
        task: head,
        pcm: head.pcm,
        position: 0,
        words: timeWords(head.text, voiced.startMs, voiced.endMs),
        nextWord: 0,
      }
      this.events.startTalking(head.id)
    }
  }

  private emitWordsUpTo(current: CurrentTask, elapsedMs: number): void {
    while (current.nextWord < current.words.length && current.words[current.nextWord]!.atMs <= elapsedMs) {
      this.events.word(current.task.id, current.words[current.nextWord]!.message)
      current.nextWord++
    }
  }

  private finish(current: CurrentTask): void {
    this.emitWordsUpTo(current, Number.POSITIVE_INFINITY)
    this.current = undefined
    const durationMs = samplesToMs(current.pcm.length)
    this.events.endMessage(current.task.id, current.task.text)
    this.events.stopTalking(current.task.id, durationMs, false)
    current.task.settle({ taskId: current.task.id, durationMs, interrupted: false })
  }
}
