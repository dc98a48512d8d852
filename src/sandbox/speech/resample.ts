/**
 * Linear-interpolation resampling. Crude for music, plenty for espeak-ng's 22.05 kHz speech going into a
 * 32 kbit/s Opus encoder.
 */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || input.length === 0) return Int16Array.from(input)
  const outputLength = Math.max(1, Math.round((input.length * toRate) / fromRate))
  const output = new Int16Array(outputLength)
  const step = fromRate / toRate
  const last = input.length - 1
  for (let i = 0; i < outputLength; i++) {
    const position = i * step
    const index = Math.min(last, Math.floor(position))
    const next = Math.min(last, index + 1)
    const fraction = position - index
    output[i] = Math.round(input[index]! + (input[next]! - input[index]!) * fraction)
  }
  return output
}
