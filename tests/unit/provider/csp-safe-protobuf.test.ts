import protobufjs from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { PIPECAT_DESCRIPTOR } from '../../../src/sandbox/heygen/pipecat'
import protobuf from '../../../src/renderer/src/provider/csp-safe-protobuf'

/** The descriptor the streaming-avatar SDK embeds (pipecat frames), plus types that exercise the rest. */
const DESCRIPTOR = {
  nested: {
    ...PIPECAT_DESCRIPTOR.nested,
    test: {
      nested: {
        Mood: { values: { CALM: 0, HAPPY: 1, GRUMPY: 2 } },
        Everything: {
          fields: {
            small: { type: 'int32', id: 1 },
            negative: { type: 'int32', id: 2 },
            zigzag: { type: 'sint32', id: 3 },
            flag: { type: 'bool', id: 4 },
            ratio: { type: 'double', id: 5 },
            level: { type: 'float', id: 6 },
            fixed: { type: 'fixed32', id: 7 },
            mood: { type: 'Mood', id: 8 },
            numbers: { type: 'uint32', id: 9, rule: 'repeated' },
            words: { type: 'string', id: 10, rule: 'repeated' },
            unicode: { type: 'string', id: 11 },
          },
        },
      },
    },
  },
} as const

const reference = protobufjs.Root.fromJSON(DESCRIPTOR as unknown as protobufjs.INamespace)

function both(typeName: string, message: Record<string, unknown>): { ours: Uint8Array; theirs: Uint8Array } {
  const ours = protobuf.Root.fromJSON(DESCRIPTOR).lookupType(typeName)
  const theirs = reference.lookupType(typeName)
  return {
    ours: ours.encode(ours.create(message)).finish(),
    theirs: theirs.encode(theirs.create(message)).finish(),
  }
}

describe('the CSP-safe protobuf stand-in', () => {
  it('encodes the SDK’s audio frame byte for byte like protobufjs', () => {
    const pcm = Array.from({ length: 1024 }, (_, i) => (i * 37) % 256)
    const { ours, theirs } = both('pipecat.Frame', {
      audio: { audio: pcm, sampleRate: 16000, numChannels: 1 },
    })
    expect(ours.length).toBeGreaterThan(1024)
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true)
    const decoded = reference.lookupType('pipecat.Frame').decode(ours) as unknown as {
      audio: { audio: Uint8Array; sampleRate: number }
    }
    expect(Array.from(decoded.audio.audio)).toEqual(pcm)
    expect(decoded.audio.sampleRate).toBe(16000)
  })

  it('encodes text and transcription frames and every scalar kind like protobufjs', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['pipecat.Frame', { text: { id: 7, name: 'greeting', text: 'Hello there' } }],
      ['pipecat.Frame', { transcription: { text: 'hi', userId: 'u1', timestamp: '2026-11-21T00:00:00Z' } }],
      [
        'test.Everything',
        {
          small: 5,
          negative: -3,
          zigzag: -12345,
          flag: true,
          ratio: 3.25,
          level: 0.5,
          fixed: 4000000000,
          mood: 2,
          numbers: [1, 300, 70000],
          words: ['a', 'bc'],
          unicode: 'Grüße, 東京',
        },
      ],
    ]
    for (const [name, message] of cases) {
      const { ours, theirs } = both(name, message)
      expect(Buffer.from(ours).toString('hex'), name).toBe(Buffer.from(theirs).toString('hex'))
    }
  })

  it('decodes what protobufjs encodes', () => {
    const message = {
      small: 5,
      negative: -3,
      zigzag: -9,
      flag: true,
      ratio: -1.5,
      numbers: [2, 4, 600],
      unicode: 'ünï',
    }
    const bytes = reference.lookupType('test.Everything').encode(message).finish()
    const decoded = protobuf.Root.fromJSON(DESCRIPTOR).lookupType('test.Everything').decode(bytes)
    expect(decoded).toEqual(message)
  })

  it('refuses unknown types instead of guessing', () => {
    expect(() => protobuf.Root.fromJSON(DESCRIPTOR).lookupType('pipecat.Nope')).toThrow(/no message type/)
    expect(() => protobuf.Root.fromJSON(DESCRIPTOR).lookupType('test.Mood')).toThrow(/no message type/)
  })
})
