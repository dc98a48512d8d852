import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseWav as parseSandboxWav } from '../../../src/sandbox/speech/wav'

/**
 * Spoken utterances as samples, for the WebAudio microphone and for a fake transcriber that must tell what it
 * was sent. "Voiced" is judged on short windows: a 10 ms window whose RMS exceeds 1% of full scale (-40 dBFS)
 * is voiced. espeak-ng's silences are digital zero and its quietest phonemes stay well above that level, so
 * the first and last voiced windows bound the speech to within 10 ms.
 */

export interface Pcm {
  /** Mono, -1..1. */
  samples: Float32Array
  sampleRate: number
}

export const VOICED_WINDOW_MS = 10
export const VOICED_RMS = 0.01

/** 16-bit PCM WAV (espeak-ng's and the kiosk's uploads) as -1..1 samples, read by the sandbox's own parser. */
export function parseWav(bytes: Buffer): Pcm {
  const { samples, sampleRate } = parseSandboxWav(bytes)
  return { samples: Float32Array.from(samples, (sample) => sample / 32768), sampleRate }
}

/** espeak-ng (en-us, 150 words a minute, as the e2e fake microphone speaks) as samples, trimmed to the voice. */
export function speak(text: string): Pcm {
  const dir = mkdtempSync(join(tmpdir(), 'utterance-'))
  try {
    const file = join(dir, 'speech.wav')
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', file, text])
    return trimToVoice(parseWav(readFileSync(file)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** [start, end) sample indices of each voiced stretch, stretches closer than `mergeGapMs` joined. */
export function voicedSegments(pcm: Pcm, mergeGapMs = 0): [number, number][] {
  const window = Math.max(1, Math.round((pcm.sampleRate * VOICED_WINDOW_MS) / 1000))
  const mergeGap = (pcm.sampleRate * mergeGapMs) / 1000
  const segments: [number, number][] = []
  for (let start = 0; start < pcm.samples.length; start += window) {
    const end = Math.min(pcm.samples.length, start + window)
    let sum = 0
    for (let i = start; i < end; i++) sum += pcm.samples[i]! * pcm.samples[i]!
    if (Math.sqrt(sum / (end - start)) <= VOICED_RMS) continue
    const last = segments.at(-1)
    if (last && start - last[1] <= mergeGap) last[1] = end
    else segments.push([start, end])
  }
  return segments
}

/** The first and last voiced sample times, in ms from the start; null for silence. */
export function voicedSpanMs(pcm: Pcm): { firstMs: number; lastMs: number } | null {
  const segments = voicedSegments(pcm)
  if (segments.length === 0) return null
  return {
    firstMs: (segments[0]![0] * 1000) / pcm.sampleRate,
    lastMs: (segments.at(-1)![1] * 1000) / pcm.sampleRate,
  }
}

export function trimToVoice(pcm: Pcm): Pcm {
  const segments = voicedSegments(pcm)
  if (segments.length === 0) return { samples: new Float32Array(0), sampleRate: pcm.sampleRate }
  return { samples: pcm.samples.slice(segments[0]![0], segments.at(-1)![1]), sampleRate: pcm.sampleRate }
}

/** Parts joined by digital silence: `silencesMs[i]` between part i and i + 1. */
export function joinWithSilence(parts: Pcm[], silencesMs: number[]): Pcm {
  const sampleRate = parts[0]!.sampleRate
  if (parts.some((part) => part.sampleRate !== sampleRate)) throw new Error('parts differ in sample rate')
  const gaps = silencesMs.map((ms) => Math.round((sampleRate * ms) / 1000))
  const total = parts.reduce((sum, part) => sum + part.samples.length, 0) + gaps.reduce((a, b) => a + b, 0)
  const samples = new Float32Array(total)
  let offset = 0
  parts.forEach((part, index) => {
    samples.set(part.samples, offset)
    offset += part.samples.length + (gaps[index] ?? 0)
  })
  return { samples, sampleRate }
}

/** 16-bit PCM mono WAV bytes, for uploads that want a file. */
export function toWav(pcm: Pcm): Buffer {
  const bytes = Buffer.alloc(44 + pcm.samples.length * 2)
  bytes.write('RIFF', 0, 'ascii')
  bytes.writeUInt32LE(36 + pcm.samples.length * 2, 4)
  bytes.write('WAVEfmt ', 8, 'ascii')
  bytes.writeUInt32LE(16, 16)
  bytes.writeUInt16LE(1, 20)
  bytes.writeUInt16LE(1, 22)
  bytes.writeUInt32LE(pcm.sampleRate, 24)
  bytes.writeUInt32LE(pcm.sampleRate * 2, 28)
  bytes.writeUInt16LE(2, 32)
  bytes.writeUInt16LE(16, 34)
  bytes.write('data', 36, 'ascii')
  bytes.writeUInt32LE(pcm.samples.length * 2, 40)
  pcm.samples.forEach((sample, index) => {
    const clamped = Math.max(-1, Math.min(1, sample))
    bytes.writeInt16LE(Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff), 44 + index * 2)
  })
  return bytes
}
