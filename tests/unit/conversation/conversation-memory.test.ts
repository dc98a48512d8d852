import { describe, expect, it } from 'vitest'
import {
  ConversationMemory,
  estimateTokens,
  selectTurns,
  type Turn,
} from '../../../src/main/services/conversation/conversation-memory'

const SYSTEM = 'You are the receptionist.'
const WIDE = { maxTurns: 50, maxTokens: 100_000 }

function converse(memory: ConversationMemory, clientId: string, count: number, size = 10): void {
  for (let index = 1; index <= count; index += 1) {
    const turn = memory.ask(clientId, `question ${index} ${'q'.repeat(size)}`)
    memory.answer(clientId, turn, `answer ${index} ${'a'.repeat(size)}`)
  }
}

describe('estimateTokens', () => {
  it('counts about four characters per token for alphabetic text, rounding up', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('abcd')).toBe(1)
    expect(estimateTokens('abcde')).toBe(2)
    expect(estimateTokens('x'.repeat(400))).toBe(100)
  })

  it('counts one token per CJK character', () => {
    expect(estimateTokens('你好世界')).toBe(4)
    expect(estimateTokens('こんにちは')).toBe(5)
    expect(estimateTokens('Hi 你好')).toBe(2 + 1)
  })
})

describe('selectTurns', () => {
  const turn = (question: string, answer = ''): Turn => ({ question, answer })

  it('keeps the newest turn even when it alone is over the token budget', () => {
    const huge = turn('x'.repeat(4000))
    expect(selectTurns([turn('old', 'reply'), huge], { maxTurns: 8, maxTokens: 10 })).toEqual([huge])
  })

  it('stops at the first older turn that does not fit, so no older one sneaks in', () => {
    const turns = [turn('tiny', 'tiny'), turn('b'.repeat(400), 'b'.repeat(400)), turn('c', 'c'), turn('new')]
    expect(selectTurns(turns, { maxTurns: 10, maxTokens: 60 })).toEqual([turns[2], turns[3]])
  })

  it('returns nothing for no turns', () => {
    expect(selectTurns([], { maxTurns: 3, maxTokens: 100 })).toEqual([])
  })
})

describe('ConversationMemory', () => {
  it('sends the system prompt, the history in order and the newest question last', () => {
    const memory = new ConversationMemory()
    converse(memory, 'a', 2, 0)
    memory.ask('a', 'third?')
    expect(memory.messages('a', SYSTEM, WIDE)).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'question 1 ' },
      { role: 'assistant', content: 'answer 1 ' },
      { role: 'user', content: 'question 2 ' },
      { role: 'assistant', content: 'answer 2 ' },
      { role: 'user', content: 'third?' },
    ])
  })

  it('keeps at most maxTurns turns, the newest included, dropping the oldest whole turns', () => {
    const memory = new ConversationMemory()
    converse(memory, 'a', 10)
    memory.ask('a', 'newest?')
    const messages = memory.messages('a', SYSTEM, { maxTurns: 3, maxTokens: 100_000 })
    expect(messages.map((message) => message.content)).toEqual([
      SYSTEM,
      expect.stringMatching(/^question 9 /),
      expect.stringMatching(/^answer 9 /),
      expect.stringMatching(/^question 10 /),
      expect.stringMatching(/^answer 10 /),
      'newest?',
    ])
  })

  it('drops the oldest whole turns to stay within the token budget, never half a turn', () => {
    const memory = new ConversationMemory()
    // Each turn: two messages of 100 characters (25 tokens) plus 4 tokens of framing each = 58 tokens.
    converse(memory, 'a', 6, 89)
    expect(memory.turns('a')[0]?.question).toHaveLength(100)
    const newest = memory.ask('a', 'n'.repeat(96))
    const questionsSent = (maxTokens: number) =>
      memory
        .messages('a', SYSTEM, { maxTurns: 50, maxTokens })
        .filter((message) => message.role === 'user')
        .map((message) => message.content.slice(0, 11))
    // The newest question costs 24 + 4 = 28, so 28 + 3 × 58 = 202 fits exactly three older turns.
    expect(questionsSent(201)).toEqual(['question 5 ', 'question 6 ', newest.question.slice(0, 11)])
    const fresh = new ConversationMemory()
    converse(fresh, 'a', 6, 89)
    fresh.ask('a', 'n'.repeat(96))
    const messages = fresh.messages('a', SYSTEM, { maxTurns: 50, maxTokens: 202 })
    expect(messages.filter((message) => message.role === 'user').map((m) => m.content.slice(0, 11))).toEqual([
      'question 4 ',
      'question 5 ',
      'question 6 ',
      'nnnnnnnnnnn',
    ])
    expect(messages.filter((message) => message.role === 'assistant')).toHaveLength(3)
    expect(messages[0]).toEqual({ role: 'system', content: SYSTEM })
  })

  it('does not count the system prompt against the history budget', () => {
    const memory = new ConversationMemory()
    converse(memory, 'a', 1, 0)
    memory.ask('a', 'now?')
    const longPrompt = 'Be helpful. '.repeat(500)
    const messages = memory.messages('a', longPrompt, { maxTurns: 8, maxTokens: 100 })
    expect(messages).toHaveLength(4)
    expect(messages[0]?.content).toBe(longPrompt)
  })

  it('forgets turns that fell out of the budget for good', () => {
    const memory = new ConversationMemory()
    converse(memory, 'a', 5)
    memory.ask('a', 'next?')
    memory.messages('a', SYSTEM, { maxTurns: 2, maxTokens: 100_000 })
    expect(memory.turns('a')).toHaveLength(2)
    // A larger budget later cannot bring back what was dropped.
    expect(memory.messages('a', SYSTEM, WIDE).filter((message) => message.role === 'user')).toHaveLength(2)
  })

  it('with keepOlder, sends the same messages but forgets nothing until trim', () => {
    const memory = new ConversationMemory()
    converse(memory, 'c', 5)
    const budget = { maxTurns: 2, maxTokens: 100_000 }
    const speculative = memory.ask('c', 'half a question')
    const sent = memory.messages('c', SYSTEM, budget, { keepOlder: true })
    expect(sent.filter((message) => message.role === 'user').map((message) => message.content)).toEqual([
      `question 5 ${'q'.repeat(10)}`,
      'half a question',
    ])
    // Withdrawn, as a discarded speculative question is: the five older turns are all still there.
    expect(memory.turns('c')).toHaveLength(6)
    memory.withdraw('c', speculative)
    expect(memory.turns('c').map((turn) => turn.question)).toEqual(
      [1, 2, 3, 4, 5].map((index) => `question ${index} ${'q'.repeat(10)}`),
    )
    // Kept, as a committed one is: trim forgets what fell out of the budget, and returns what stays.
    memory.ask('c', 'the whole question')
    memory.messages('c', SYSTEM, budget, { keepOlder: true })
    expect(memory.turns('c')).toHaveLength(6)
    expect(memory.trim('c', budget).map((turn) => turn.question)).toEqual([
      `question 5 ${'q'.repeat(10)}`,
      'the whole question',
    ])
    expect(memory.turns('c')).toHaveLength(2)
    expect(memory.trim('nobody', budget)).toEqual([])
    expect(memory.turns('nobody')).toEqual([])
  })

  it('omits an empty system prompt, and sends a question cut off before any answer on its own', () => {
    const memory = new ConversationMemory()
    memory.ask('a', 'first, interrupted')
    memory.ask('a', 'second')
    expect(memory.messages('a', '  ', WIDE)).toEqual([
      { role: 'user', content: 'first, interrupted' },
      { role: 'user', content: 'second' },
    ])
  })

  it('withdraws a failed turn and keeps clients apart', () => {
    const memory = new ConversationMemory()
    converse(memory, 'a', 1)
    const failed = memory.ask('a', 'will fail')
    memory.ask('b', 'other visitor')
    memory.withdraw('a', failed)
    expect(memory.turns('a').map((turn) => turn.question)).toEqual([expect.stringMatching(/^question 1/)])
    expect(memory.turns('b').map((turn) => turn.question)).toEqual(['other visitor'])
  })

  it('forget clears one client only; an answer for a forgotten turn stays forgotten', () => {
    const memory = new ConversationMemory()
    converse(memory, 'a', 2)
    converse(memory, 'b', 2)
    const inFlight = memory.ask('a', 'pending')
    memory.forget('a')
    memory.answer('a', inFlight, 'late answer')
    expect(memory.turns('a')).toEqual([])
    expect(memory.messages('a', SYSTEM, WIDE)).toEqual([{ role: 'system', content: SYSTEM }])
    expect(memory.turns('b')).toHaveLength(2)
    memory.forgetAll()
    expect(memory.turns('b')).toEqual([])
  })
})
