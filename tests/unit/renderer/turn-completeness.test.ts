import { describe, expect, it } from 'vitest'
import { looksComplete } from '../../../src/renderer/src/conversation/turn-completeness'

describe('looksComplete', () => {
  it.each([
    'Where can I get breakfast?',
    'What time does the pool open?',
    'Which floor is the gym on?',
    'What is it for?',
    'Do you know?',
    'I need a taxi to the airport.',
    'Thank you!',
    'Yes.',
    'I’m looking for the pharmacy.',
    "I'd like to know where the cafe is.",
    'Can you tell me what the wifi password is.',
    'I wonder when checkout is.',
  ])('takes "%s" as complete', (text) => {
    expect(looksComplete(text, 'en')).toBe(true)
  })

  it.each([
    "I'd like to know.",
    'Can you tell me.',
    'Can you tell me?',
    "I'm looking for.",
    'Is there a.',
    'What time does.',
    'Could you help me with.',
    'How do I get to.',
    'Which floor is.',
    'My name is.',
    'The question is.',
    'What is.',
    'I wonder what is.',
    'I need to.',
    'Where can I.',
    'Do you have.',
    'I would like to?',
    'The cafe and.',
    'Um.',
    'Where is the...',
    'Where is the…',
    'Where is the cafe,',
    'Where is the cafe',
    '',
  ])('waits on "%s"', (text) => {
    expect(looksComplete(text, 'en')).toBe(false)
  })

  it('takes only questions as complete in languages it has no word lists for', () => {
    expect(looksComplete('Wo ist das Café?', 'de')).toBe(true)
    expect(looksComplete('Ich möchte wissen.', 'de')).toBe(false)
    expect(looksComplete('咖啡厅在哪里？', 'zh')).toBe(true)
    expect(looksComplete('我想知道。', 'zh')).toBe(false)
  })
})
