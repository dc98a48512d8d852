import { BridgeError } from '../../../shared/result'

export interface WavInfo {
  sampleRate: number
  channels: number
  bitsPerSample: number
  dataBytes: number
  durationMs: number
}

/** Speech-to-text services refuse clips shorter than this (OpenAI says 0.1 s). */
export const MIN_UTTERANCE_MS = 100

const PCM = 1
const IEEE_FLOAT = 3
const EXTENSIBLE = 0xfffe
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function refuse(message: string): never {
  throw new BridgeError({ code: 'invalid-request', message })
}

/** Strict base64: Buffer.from would silently skip stray characters and hand the server garbage. */
export function decodeBase64Audio(audioBase64: string): Buffer {
  if (audioBase64.length % 4 !== 0 || !BASE64.test(audioBase64)) refuse('The recording is not valid base64.')
  return Buffer.from(audioBase64, 'base64')
}

/**
 * Checks just enough of a RIFF/WAVE header to refuse garbage before it costs a paid request: the magic, a
 * plausible size, a PCM or float `fmt ` chunk and a non-empty `data` chunk. Writers that stream (size
 * 0 or 0xFFFFFFFF) are accepted; the data then runs to the end of the buffer.
 */
export function readWavHeader(wav: Buffer): WavInfo {
  if (
    wav.length < 44 ||
    wav.toString('latin1', 0, 4) !== 'RIFF' ||
    wav.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    refuse('The recording is not a WAV file.')
  }
  const riffSize = wav.readUInt32LE(4)
  const streamed = riffSize === 0 || riffSize === 0xffffffff
  // One byte of slack: some writers count the pad byte of an odd-sized last chunk, some do not.
  if (!streamed && riffSize + 8 > wav.length + 1) refuse('The WAV file is truncated.')

  let format: { code: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined
  let offset = 12
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4)
    const size = wav.readUInt32LE(offset + 4)
    const body = offset + 8
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > wav.length) refuse('The WAV format chunk is damaged.')
      format = {
        code: wav.readUInt16LE(body),
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bitsPerSample: wav.readUInt16LE(body + 14),
      }
    } else if (id === 'data') {
      if (!format) refuse('The WAV file has no format chunk before its data.')
      const { code, channels, sampleRate, bitsPerSample } = format
      if (code !== PCM && code !== IEEE_FLOAT && code !== EXTENSIBLE) refuse('The WAV file is not PCM audio.')
      if (channels < 1 || channels > 2) refuse('The WAV file must be mono or stereo.')
      if (sampleRate < 8000 || sampleRate > 96_000) refuse('The WAV sample rate is out of range.')
      if (![8, 16, 24, 32].includes(bitsPerSample)) refuse('The WAV sample size is not supported.')
      const available = wav.length - body
      const dataBytes = streamed || size > available ? available : size
      const bytesPerSecond = sampleRate * channels * (bitsPerSample / 8)
      const durationMs = (dataBytes / bytesPerSecond) * 1000
      if (durationMs < MIN_UTTERANCE_MS) refuse('The recording is too short to transcribe.')
      return { sampleRate, channels, bitsPerSample, dataBytes, durationMs }
    }
    offset = body + size + (size % 2)
  }
  return refuse('The WAV file has no audio data.')
}
