import { describe, expect, it } from 'vitest'
import { encodeWav, toBase64 } from '../../../src/renderer/src/conversation/wav-encoder'

describe('encodeWav', () => {
  it('writes a 16 kHz mono 16-bit PCM WAV with clamped samples', () => {
    const wav = encodeWav(new Float32Array([0, 1, -1, 0.5, 2, -2]))
    const view = new DataView(wav.buffer)
    const ascii = (offset: number) => String.fromCharCode(...wav.subarray(offset, offset + 4))
    expect([ascii(0), ascii(8), ascii(12), ascii(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data'])
    expect(view.getUint32(4, true)).toBe(36 + 12)
    expect(view.getUint16(20, true)).toBe(1)
    expect(view.getUint16(22, true)).toBe(1)
    expect(view.getUint32(24, true)).toBe(16_000)
    expect(view.getUint32(28, true)).toBe(32_000)
    expect(view.getUint16(34, true)).toBe(16)
    expect(view.getUint32(40, true)).toBe(12)
    const samples = Array.from({ length: 6 }, (_, i) => view.getInt16(44 + i * 2, true))
    expect(samples).toEqual([0, 32767, -32768, 16383, 32767, -32768])
  })

  it('base64-encodes large utterances without blowing the argument limit', () => {
    const wav = encodeWav(new Float32Array(16_000 * 40).map((_, i) => Math.sin(i / 10)))
    const base64 = toBase64(wav)
    expect(Buffer.from(base64, 'base64').equals(Buffer.from(wav))).toBe(true)
  })
})
