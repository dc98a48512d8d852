import { describe, expect, it } from 'vitest'
import { decodeChatFrame } from '../../../src/sandbox/heygen/pipecat'
import { encodeAudioFrame, encodeTextFrame } from '../support/pipecat-frames'
import { VoiceActivity } from '../../../src/sandbox/heygen/voice-activity'
import { answersVisitor } from '../../../src/sandbox/heygen/provider-mode'
import { avatarFor, SANDBOX_AVATARS } from '../../../src/sandbox/session/avatars'

describe('answersVisitor (provider mode)', () => {
  it('answers while voice chat is on, whatever the tasks', () => {
    expect(answersVisitor({ voiceChatActive: true, talkTasks: 0, repeatTasks: 9 })).toBe(true)
  })

  it('answers when the app uses talk tasks', () => {
    expect(answersVisitor({ voiceChatActive: false, talkTasks: 1, repeatTasks: 3 })).toBe(true)
  })

  it('stays quiet for an app that has only ever sent repeat tasks', () => {
    expect(answersVisitor({ voiceChatActive: false, talkTasks: 0, repeatTasks: 2 })).toBe(false)
  })

  it('answers in a fresh session, as the provider would', () => {
    expect(answersVisitor({ voiceChatActive: false, talkTasks: 0, repeatTasks: 0 })).toBe(true)
  })
})

describe('pipecat frames', () => {
  it('decodes the text frames the SDK sends for talk tasks', () => {
    expect(decodeChatFrame(encodeTextFrame('hello there'))).toEqual({ kind: 'text', text: 'hello there' })
  })

  it('decodes microphone audio, even from an unaligned buffer', () => {
    const encoded = encodeAudioFrame(Int16Array.from([1, -1, 300]), 16000)
    const unaligned = new Uint8Array(encoded.length + 1).subarray(1)
    unaligned.set(encoded)
    const frame = decodeChatFrame(unaligned)
    expect(frame.kind).toBe('audio')
    if (frame.kind === 'audio') {
      expect([...frame.pcm]).toEqual([1, -1, 300])
      expect(frame.sampleRate).toBe(16000)
    }
  })
})

describe('VoiceActivity', () => {
  const loud = new Int16Array(512).fill(6000)
  const quiet = new Int16Array(512)

  it('starts after sustained voice and stops after sustained quiet', () => {
    const vad = new VoiceActivity({ threshold: 0.02, startMs: 60, stopMs: 100 })
    const changes = [
      ...Array.from({ length: 3 }, () => vad.push(loud, 16000)),
      ...Array.from({ length: 4 }, () => vad.push(quiet, 16000)),
    ]
    expect(changes.filter(Boolean)).toEqual(['start', 'stop'])
    expect(changes.indexOf('start')).toBe(1)
  })

  it('ignores a short click', () => {
    const vad = new VoiceActivity({ threshold: 0.02, startMs: 100, stopMs: 100 })
    expect([vad.push(loud, 16000), vad.push(quiet, 16000), vad.push(loud, 16000)]).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })
})

describe('sandbox avatars', () => {
  it('lists a few, and draws any requested name as one of them, stably', () => {
    expect(SANDBOX_AVATARS.length).toBeGreaterThanOrEqual(3)
    expect(avatarFor('sandbox_ben').avatarId).toBe('sandbox_ben')
    expect(avatarFor(undefined)).toBe(SANDBOX_AVATARS[0])
    expect(avatarFor('Wayne_20240711')).toBe(avatarFor('Wayne_20240711'))
  })
})
