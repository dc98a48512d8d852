import { describe, expect, it } from 'vitest'
import { classifyMicrophoneError, MICROPHONE_HINTS } from '../../../src/renderer/src/conversation/microphone'
import { joinWords } from '../../../src/renderer/src/stage/conversation-overlay'

describe('classifyMicrophoneError', () => {
  it('tells a refusal from a missing or broken device', () => {
    expect(classifyMicrophoneError(new DOMException('no', 'NotAllowedError'))).toBe('denied')
    expect(classifyMicrophoneError(new DOMException('no', 'SecurityError'))).toBe('denied')
    expect(classifyMicrophoneError(new DOMException('none', 'NotFoundError'))).toBe('missing')
    expect(classifyMicrophoneError(new DOMException('busy', 'NotReadableError'))).toBe('unavailable')
    expect(classifyMicrophoneError(undefined)).toBe('unavailable')
    for (const hint of Object.values(MICROPHONE_HINTS)) expect(hint).toMatch(/type your question/)
  })
})

describe('joinWords (captions)', () => {
  it('joins streamed words with single spaces, whatever spacing the provider sends', () => {
    expect(['Hello', 'there', ',', 'friend', '!'].reduce(joinWords, '')).toBe('Hello there, friend!')
    expect(['Hello ', 'there ', 'friend'].reduce(joinWords, '')).toBe('Hello there friend')
    expect(joinWords('Hi', '')).toBe('Hi')
  })
})
