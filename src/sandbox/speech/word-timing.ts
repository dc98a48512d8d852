export interface TimedWord {
  /** What avatar_talking_message carries: the word plus the space that follows it, so chunks concatenate. */
  message: string
  atMs: number
}

/**
 * Spreads the words of a sentence over the voiced part of its audio, in proportion to their length.
 * espeak-ng does not report word boundaries; readers of a live caption cannot tell the difference.
 */
export function timeWords(text: string, voicedStartMs: number, voicedEndMs: number): TimedWord[] {
  const words = text.split(/\s+/).filter((word) => word.length > 0)
  const weights = words.map((word) => word.length + 1)
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  const span = Math.max(0, voicedEndMs - voicedStartMs)
  let before = 0
  return words.map((word, index) => {
    const atMs = voicedStartMs + (total === 0 ? 0 : (before / total) * span)
    before += weights[index]!
    return { message: index === words.length - 1 ? word : `${word} `, atMs: Math.round(atMs) }
  })
}

const VOICED_RMS = 0.01

/** Where speech starts and ends in PCM, skipping the silence espeak-ng leaves around it. */
export function voicedSpanMs(
  samples: Int16Array,
  sampleRate: number,
  windowMs = 20,
): { startMs: number; endMs: number } {
  const window = Math.max(1, Math.round((sampleRate * windowMs) / 1000))
  let first = -1
  let last = -1
  for (let start = 0; start < samples.length; start += window) {
    let sum = 0
    const end = Math.min(samples.length, start + window)
    for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!
    const rms = Math.sqrt(sum / (end - start)) / 32768
    if (rms >= VOICED_RMS) {
      if (first < 0) first = start
      last = end
    }
  }
  if (first < 0) return { startMs: 0, endMs: (samples.length * 1000) / sampleRate }
  return { startMs: (first * 1000) / sampleRate, endMs: (last * 1000) / sampleRate }
}
