import protobuf from 'protobufjs'
import { PIPECAT_DESCRIPTOR } from '../../../src/sandbox/heygen/pipecat'

const Frame = protobuf.Root.fromJSON(PIPECAT_DESCRIPTOR).lookupType('pipecat.Frame')

/** What the SDK's sendWebsocketMessage produces, so a test speaks to the sandbox's chat socket as the SDK does. */
export function encodeTextFrame(text: string): Uint8Array {
  return Frame.encode(Frame.create({ text: { text } })).finish()
}

export function encodeAudioFrame(pcm: Int16Array, sampleRate = 16_000): Uint8Array {
  const audio = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)
  return Frame.encode(Frame.create({ audio: { audio, sampleRate, numChannels: 1 } })).finish()
}
