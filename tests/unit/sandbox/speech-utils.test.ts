import { describe, expect, it } from 'vitest'
import { resample } from '../../../src/sandbox/speech/resample'
import { espeakArgs, espeakLanguage } from '../../../src/sandbox/speech/tts'
import { parseWav } from '../../../src/sandbox/speech/wav'
import { timeWords, voicedSpanMs } from '../../../src/sandbox/speech/word-timing'

function wav(samples: number[], sampleRate: number, dataSizeField?: number): Buffer {
  const data = Buffer.alloc(samples.length * 2)
  samples.forEach((sample, i) => data.writeInt16LE(sample, i * 2))
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(dataSizeField ?? data.length, 40)
  return Buffer.concat([header, data])
}

describe('parseWav', () => {
  it('reads 16-bit mono PCM', () => {
    const parsed = parseWav(wav([1, -2, 32767, -32768], 22050))
    expect(parsed.sampleRate).toBe(22050)
    expect([...parsed.samples]).toEqual([1, -2, 32767, -32768])
  })

  it('clamps the bogus data length espeak-ng writes to a pipe', () => {
    expect(parseWav(wav([5, 6, 7], 22050, 0x7ffff000)).samples).toHaveLength(3)
  })

  it('rejects what is not a WAV', () => {
    expect(() => parseWav(Buffer.from('hello world, not audio'))).toThrow(/RIFF/)
  })
})

describe('resample', () => {
  it('scales the length by the rate ratio and keeps a constant signal constant', () => {
    const out = resample(new Int16Array(22050).fill(1000), 22050, 48000)
    expect(out).toHaveLength(48000)
    expect(new Set(out)).toEqual(new Set([1000]))
  })

  it('interpolates between samples', () => {
    expect([...resample(Int16Array.from([0, 100]), 1, 2)]).toEqual([0, 50, 100, 100])
  })
})

describe('word timing', () => {
  it('spreads words over the voiced span in proportion to their length', () => {
    const words = timeWords('a bbb', 100, 700)
    expect(words).toEqual([
      { message: 'a ', atMs: 100 },
      { message: 'bbb', atMs: 100 + (2 / 6) * 600 },
    ])
  })

  it('ignores extra whitespace', () => {
    expect(timeWords('  hello   world \n', 0, 1000).map((word) => word.message)).toEqual(['hello ', 'world'])
  })

  it('finds speech between leading and trailing silence', () => {
    const samples = new Int16Array(48000)
    samples.fill(5000, 9600, 38400)
    const span = voicedSpanMs(samples, 48000)
    expect(span.startMs).toBe(200)
    expect(span.endMs).toBe(800)
  })
})

describe('espeak-ng voice', () => {
  it('maps provider languages to espeak voices, defaulting to US English', () => {
    expect(espeakLanguage(undefined)).toBe('en-us')
    expect(espeakLanguage('en')).toBe('en-us')
    expect(espeakLanguage('de')).toBe('de')
    expect(espeakLanguage('pt_BR')).toBe('pt-br')
    expect(espeakLanguage('--help; rm -rf /')).toBe('en-us')
  })

  it('reads text from stdin and scales the speaking rate', () => {
    expect(espeakArgs({ language: 'en-us', variant: 'f3', rate: 1.2 })).toEqual([
      '--stdin',
      '--stdout',
      '-v',
      'en-us+f3',
      '-s',
      '198',
    ])
    expect(espeakArgs({ language: 'de', variant: 'm3', rate: Number.NaN })).toContain('165')
  })
})
