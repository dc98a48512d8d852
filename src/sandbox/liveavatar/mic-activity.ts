/**
 * Notices a visitor speaking into the microphone the SDK publishes, from the Opus RTP alone: no decoder, no
 * extra process, a few comparisons per packet. Chromium's Opus sends 20 ms packets of a few bytes for silence
 * (or, with DTX, almost none at all) and tens to hundreds of bytes for speech, so a run of large packets is
 * speech and a pause without one is its end. Background noise can fool it; a kiosk's test microphone won't.
 */
export interface MicActivityOptions {
  /** Payload bytes from which a 20 ms packet counts as voiced. */
  voicedBytes: number
  /** Voiced packets needed, close together, before speech counts as started. */
  startPackets: number
  /** A gap longer than this between voiced packets restarts the start count. */
  maxGapMs: number
  /** Quiet time after the last voiced packet that ends the utterance. */
  stopMs: number
}

export const DEFAULT_MIC_ACTIVITY: MicActivityOptions = {
  voicedBytes: 40,
  startPackets: 8,
  maxGapMs: 120,
  stopMs: 800,
}

export type MicActivityChange = 'start' | 'stop' | undefined

export class MicActivity {
  private talking = false
  private run = 0
  private lastVoicedAt = Number.NEGATIVE_INFINITY

  constructor(private readonly options: MicActivityOptions = DEFAULT_MIC_ACTIVITY) {}

  get isTalking(): boolean {
    return this.talking
  }

  /** One RTP packet's payload size at time `now` (ms). */
  packet(payloadBytes: number, now: number): MicActivityChange {
    const change = this.poll(now)
    if (payloadBytes < this.options.voicedBytes) return change
    this.run = now - this.lastVoicedAt <= this.options.maxGapMs ? this.run + 1 : 1
    this.lastVoicedAt = now
    if (!this.talking && this.run >= this.options.startPackets) {
      this.talking = true
      return 'start'
    }
    return change
  }

  /** Called on a timer as well: with DTX a pause sends no packets at all, so time alone must end speech. */
  poll(now: number): MicActivityChange {
    if (this.talking && now - this.lastVoicedAt >= this.options.stopMs) {
      this.talking = false
      this.run = 0
      return 'stop'
    }
    return undefined
  }
}
