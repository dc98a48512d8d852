/**
 * Notices a visitor speaking into the microphone the SDK publishes, from the Opus RTP alone: no decoder, no
 * extra process, a few comparisons per packet. Chromium sends 20 ms packets of a steady small size for silence
 * (55 bytes here, with livekit-client's RED redundancy; almost none with DTX) and more than twice that for
 * speech. So the detector tracks the quiet packet size as a floor, calls a packet voiced when it is well
 * above it, a run of voiced packets speech, and a pause without one its end. Loud background noise can fool
 * it; it only has to tell a kiosk visitor's question from silence.
 */
export interface MicActivityOptions {
  /** How far above the quiet floor (bytes) a packet must be to count as voiced. */
  voicedMarginBytes: number
  /** Voiced packets needed, close together, before speech counts as started. */
  startPackets: number
  /** A gap longer than this between voiced packets restarts the start count. */
  maxGapMs: number
  /** Quiet time after the last voiced packet that ends the utterance. */
  stopMs: number
  /** How fast the floor creeps up towards louder packets (per packet), so it follows a noisier room. */
  floorRise: number
}

export const DEFAULT_MIC_ACTIVITY: MicActivityOptions = {
  voicedMarginBytes: 30,
  startPackets: 8,
  maxGapMs: 120,
  stopMs: 800,
  floorRise: 0.002,
}

export type MicActivityChange = 'start' | 'stop' | undefined

export class MicActivity {
  private talking = false
  private run = 0
  private lastVoicedAt = Number.NEGATIVE_INFINITY
  private floor: number | undefined

  constructor(private readonly options: MicActivityOptions = DEFAULT_MIC_ACTIVITY) {}

  get isTalking(): boolean {
    return this.talking
  }

  /** One RTP packet's payload size at time `now` (ms). */
  packet(payloadBytes: number, now: number): MicActivityChange {
    const floor = this.floor ?? payloadBytes
    this.floor = payloadBytes < floor ? payloadBytes : floor + (payloadBytes - floor) * this.options.floorRise
    const change = this.poll(now)
    if (payloadBytes < floor + this.options.voicedMarginBytes) return change
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
