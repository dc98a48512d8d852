/** A 16 kHz mono 16-bit PCM WAV of a quiet tone, the shape the renderer sends. */
export function makeWav({ ms = 500, sampleRate = 16_000, channels = 1, bits = 16, format = 1 } = {}): Buffer {
  const frames = Math.round((sampleRate * ms) / 1000)
  const blockAlign = channels * (bits / 8)
  const data = Buffer.alloc(frames * blockAlign)
  if (bits === 16) {
    for (let frame = 0; frame < frames; frame += 1) {
      const sample = Math.round(3000 * Math.sin((2 * Math.PI * 440 * frame) / sampleRate))
      for (let channel = 0; channel < channels; channel += 1)
        data.writeInt16LE(sample, frame * blockAlign + channel * 2)
    }
  }
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'latin1')
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVE', 8, 'latin1')
  header.write('fmt ', 12, 'latin1')
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(format, 20)
  header.writeUInt16LE(channels, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * blockAlign, 28)
  header.writeUInt16LE(blockAlign, 32)
  header.writeUInt16LE(bits, 34)
  header.write('data', 36, 'latin1')
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}
