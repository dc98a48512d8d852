export interface PcmAudio {
  sampleRate: number
  samples: Int16Array
}

/**
 * Reads 16-bit PCM WAV, mono or the first channel of several. espeak-ng writing to a pipe cannot seek back,
 * so its header claims an enormous data length: the data chunk is clamped to what actually arrived.
 */
export function parseWav(bytes: Buffer): PcmAudio {
  if (
    bytes.length < 12 ||
    bytes.toString('ascii', 0, 4) !== 'RIFF' ||
    bytes.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new Error('not a RIFF/WAVE stream')
  }
  let offset = 12
  let channels = 0
  let sampleRate = 0
  let bitsPerSample = 0
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    const body = offset + 8
    if (id === 'fmt ') {
      const format = bytes.readUInt16LE(body)
      channels = bytes.readUInt16LE(body + 2)
      sampleRate = bytes.readUInt32LE(body + 4)
      bitsPerSample = bytes.readUInt16LE(body + 14)
      if (format !== 1 || bitsPerSample !== 16)
        throw new Error(`unsupported WAV: format ${format}, ${bitsPerSample} bit`)
    } else if (id === 'data') {
      if (sampleRate === 0) throw new Error('WAV data before fmt chunk')
      const end = Math.min(bytes.length, body + size)
      const frameBytes = 2 * channels
      const frames = Math.floor((end - body) / frameBytes)
      const samples = new Int16Array(frames)
      for (let i = 0; i < frames; i++) samples[i] = bytes.readInt16LE(body + i * frameBytes)
      return { sampleRate, samples }
    }
    offset = body + size + (size % 2)
  }
  throw new Error('WAV has no data chunk')
}
