export interface TurnDetectorOptions {
  /** Length of one scored frame. */
  frameMs: number
  /** A frame at or above this probability is speech... */
  speechThreshold: number
  /** ...and one below this is silence; in between is neither, and changes nothing. */
  silenceThreshold: number
  /** Speech frames needed before a start counts (shorter is a misfire). */
  minSpeechMs: number
  /** Audio kept from before the start. */
  preSpeechPadMs: number
  /** Silence that ends the turn for certain. */
  endOfTurnMs: number
  /** Silence after which the turn may be over: the moment to speculate. */
  pauseMs: number
}

export interface TurnDetectorEvents {
  /** Someone really started speaking (past the minimum length). */
  speechStart(): void
  /** A short pause: the turn so far, which may or may not be the whole of it. Once per pause. */
  pause(audio: Float32Array): void
  /** Speech came back after a `pause`: the turn goes on. */
  resume(): void
  /** The full silence elapsed: the turn is over, with all of its audio. */
  endOfTurn(audio: Float32Array): void
  /** A start that turned out too short to be speech. */
  misfire(): void
  /**
   * Asked on each silent frame once the end-of-turn silence is reached: how much longer to wait before ending
   * the turn (0, or absent, ends it now). Lets turn taking hold the end while what was said sounds unfinished.
   */
  extraSilenceMs?(): number
}

interface Frame {
  samples: Float32Array
  speech: boolean
}

function concat(frames: readonly Frame[]): Float32Array {
  const audio = new Float32Array(frames.reduce((length, frame) => length + frame.samples.length, 0))
  let offset = 0
  for (const frame of frames) {
    audio.set(frame.samples, offset)
    offset += frame.samples.length
  }
  return audio
}

/**
 * Segments scored microphone frames into turns the way vad-web's own frame processor does (the same thresholds,
 * padding, minimum length and silence counting), and adds what turn taking needs besides: a `pause` after a
 * short quiet, with the audio so far, and a `resume` when the visitor goes on. The end of a turn counts only
 * frames that are surely silent, as vad-web does; a pause counts every frame that is not surely speech, since
 * the score often lingers between the thresholds for a frame as a voice fades, and a pause only starts a guess.
 * Turn taking may hold the end a little longer (`extraSilenceMs`). Driven only by frames, so time is the frame
 * count: no clock, and tests feed it frames.
 */
export class TurnDetector {
  private frames: Frame[] = []
  private speaking = false
  private started = false
  private speechFrames = 0
  private silentFrames = 0
  /** Frames since the last speech frame, counting unsure ones too: a pause is only a guess, so it may come early. */
  private quietFrames = 0
  private paused = false
  private readonly padFrames: number
  private readonly minSpeechFrames: number
  private readonly endFrames: number
  private readonly pauseFrames: number

  constructor(
    private readonly options: TurnDetectorOptions,
    private readonly events: TurnDetectorEvents,
  ) {
    this.padFrames = Math.floor(options.preSpeechPadMs / options.frameMs)
    this.minSpeechFrames = Math.max(1, Math.floor(options.minSpeechMs / options.frameMs))
    this.endFrames = Math.max(1, Math.floor(options.endOfTurnMs / options.frameMs))
    // Rounded, not floored: "about 200 ms" of 96 ms frames is two frames, not one.
    this.pauseFrames = Math.min(this.endFrames, Math.max(1, Math.round(options.pauseMs / options.frameMs)))
  }

  /** Whether a turn is under way (speech heard and not yet ended). */
  get inTurn(): boolean {
    return this.speaking
  }

  process(probability: number, samples: Float32Array): void {
    const speech = probability >= this.options.speechThreshold
    this.frames.push({ samples, speech })
    if (speech) {
      this.speechFrames += 1
      this.silentFrames = 0
      this.quietFrames = 0
      if (this.paused) {
        this.paused = false
        this.events.resume()
      }
      if (!this.speaking) this.speaking = true
      if (!this.started && this.speechFrames >= this.minSpeechFrames) {
        this.started = true
        this.events.speechStart()
      }
    } else if (this.speaking) {
      this.quietFrames += 1
      if (probability < this.options.silenceThreshold) this.silentFrames += 1
      if (this.started && !this.paused && this.quietFrames >= this.pauseFrames) {
        this.paused = true
        this.events.pause(concat(this.frames))
      }
      if (
        this.silentFrames >= this.endFrames &&
        this.silentFrames >= this.endFrames + this.extraEndFrames()
      ) {
        this.endTurn()
        return
      }
    }
    if (!this.speaking) {
      if (this.frames.length > this.padFrames) this.frames.splice(0, this.frames.length - this.padFrames)
      this.speechFrames = 0
    }
  }

  /** The microphone paused or closed: whatever was being said is dropped, without events. */
  reset(): void {
    this.frames = []
    this.speaking = false
    this.started = false
    this.speechFrames = 0
    this.silentFrames = 0
    this.quietFrames = 0
    this.paused = false
  }

  private extraEndFrames(): number {
    const extraMs = this.events.extraSilenceMs?.() ?? 0
    return extraMs > 0 ? Math.ceil(extraMs / this.options.frameMs) : 0
  }

  private endTurn(): void {
    const frames = this.frames
    const speechFrames = frames.filter((frame) => frame.speech).length
    this.reset()
    if (speechFrames >= this.minSpeechFrames) this.events.endOfTurn(concat(frames))
    else this.events.misfire()
  }
}
