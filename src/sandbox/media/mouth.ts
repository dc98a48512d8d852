import type { MouthState } from './character'

/** RMS levels (of full scale) at which the mouth opens one step further, tuned on espeak-ng's output. */
export const MOUTH_THRESHOLDS = [0.02, 0.06, 0.11] as const

/**
 * Follows speech loudness with a fast attack and a slower release, so the mouth snaps open on syllables
 * but does not flicker shut between them.
 */
export class MouthFollower {
  private level = 0

  constructor(private readonly releasePerUpdate = 0.6) {}

  update(rms: number): void {
    this.level = rms >= this.level ? rms : Math.max(rms, this.level * this.releasePerUpdate)
  }

  get state(): MouthState {
    let state = 0
    for (const threshold of MOUTH_THRESHOLDS) if (this.level >= threshold) state++
    return state as MouthState
  }
}

export function rmsOf(samples: Int16Array): number {
  if (samples.length === 0) return 0
  let sum = 0
  for (const sample of samples) sum += sample * sample
  return Math.sqrt(sum / samples.length) / 32768
}
