import { rmsOf } from '../media/mouth'

export interface VoiceActivityOptions {
  /** RMS (of full scale) above which a frame counts as voice. */
  threshold: number
  /** Voiced time needed before user_start. */
  startMs: number
  /** Quiet time needed before user_stop. */
  stopMs: number
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivityOptions = { threshold: 0.02, startMs: 100, stopMs: 600 }

export type VoiceActivityChange = 'start' | 'stop' | undefined

/**
 * An energy detector with hysteresis over the microphone PCM the SDK streams on the chat socket. It only
 * drives user_start / user_stop: the sandbox has no speech-to-text, visitor words come from the control API.
 */
export class VoiceActivity {
  private talking = false
  private voicedMs = 0
  private quietMs = 0

  constructor(private readonly options: VoiceActivityOptions = DEFAULT_VOICE_ACTIVITY) {}

  get isTalking(): boolean {
    return this.talking
  }

  push(pcm: Int16Array, sampleRate: number): VoiceActivityChange {
    const durationMs = (pcm.length * 1000) / sampleRate
    if (rmsOf(pcm) >= this.options.threshold) {
      this.voicedMs += durationMs
      this.quietMs = 0
    } else {
      this.quietMs += durationMs
      if (!this.talking) this.voicedMs = 0
    }
    if (!this.talking && this.voicedMs >= this.options.startMs) {
      this.talking = true
      return 'start'
    }
    if (this.talking && this.quietMs >= this.options.stopMs) {
      this.talking = false
      this.voicedMs = 0
      return 'stop'
    }
    return undefined
  }
}
