import protobuf from 'protobufjs'

/** The chat socket's framing, as embedded in the SDK (`pipecat.Frame`): the SDK sends text and mic audio. */
export const PIPECAT_DESCRIPTOR = {
  nested: {
    pipecat: {
      nested: {
        TextFrame: {
          fields: {
            id: { type: 'uint64', id: 1 },
            name: { type: 'string', id: 2 },
            text: { type: 'string', id: 3 },
          },
        },
        AudioRawFrame: {
          fields: {
            id: { type: 'uint64', id: 1 },
            name: { type: 'string', id: 2 },
            audio: { type: 'bytes', id: 3 },
            sampleRate: { type: 'uint32', id: 4 },
            numChannels: { type: 'uint32', id: 5 },
          },
        },
        TranscriptionFrame: {
          fields: {
            id: { type: 'uint64', id: 1 },
            name: { type: 'string', id: 2 },
            text: { type: 'string', id: 3 },
            userId: { type: 'string', id: 4 },
            timestamp: { type: 'string', id: 5 },
          },
        },
        Frame: {
          oneofs: { frame: { oneof: ['text', 'audio', 'transcription'] } },
          fields: {
            text: { type: 'TextFrame', id: 1 },
            audio: { type: 'AudioRawFrame', id: 2 },
            transcription: { type: 'TranscriptionFrame', id: 3 },
          },
        },
      },
    },
  },
}

const Frame = protobuf.Root.fromJSON(PIPECAT_DESCRIPTOR).lookupType('pipecat.Frame')

export type ChatFrame =
  { kind: 'text'; text: string } | { kind: 'audio'; pcm: Int16Array; sampleRate: number } | { kind: 'other' }

interface DecodedFrame {
  text?: { text?: string }
  audio?: { audio?: Uint8Array; sampleRate?: number }
}

export function decodeChatFrame(bytes: Uint8Array): ChatFrame {
  const frame = Frame.toObject(Frame.decode(bytes)) as DecodedFrame
  if (frame.text) return { kind: 'text', text: frame.text.text ?? '' }
  if (frame.audio) {
    const audio = frame.audio.audio ?? new Uint8Array(0)
    // Copy into an aligned buffer: protobuf hands out views at arbitrary byte offsets.
    const pcm = new Int16Array(new Uint8Array(audio).buffer, 0, Math.floor(audio.byteLength / 2))
    return { kind: 'audio', pcm, sampleRate: frame.audio.sampleRate ?? 16_000 }
  }
  return { kind: 'other' }
}
