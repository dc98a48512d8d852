import { describe, expect, it } from 'vitest'
import { bestSentence, DEFAULT_PERSONA, personaFrom, respond } from '../../../src/sandbox/speech/responder'

describe('responder', () => {
  const museum = personaFrom(
    'You are Mira, the guide of the city museum. The museum opens at 9 am and closes at 6 pm. ' +
      'Tickets cost 12 euros; children enter free. The cafe is on the second floor.',
  )

  it('takes its name from the knowledge base, or falls back to the default persona', () => {
    expect(museum.name).toBe('Mira')
    expect(personaFrom(undefined)).toBe(DEFAULT_PERSONA)
    expect(personaFrom('   ')).toBe(DEFAULT_PERSONA)
    expect(personaFrom('Answer questions about trains.').name).toBe(DEFAULT_PERSONA.name)
  })

  it('answers from the most relevant knowledge sentence', () => {
    expect(respond('When does the museum open?', museum)).toBe('The museum opens at 9 am and closes at 6 pm.')
    expect(respond('How much are tickets?', museum)).toBe('Tickets cost 12 euros; children enter free.')
    expect(respond('Where is the cafe', museum)).toBe('The cafe is on the second floor.')
  })

  it('handles greetings, names, thanks and goodbyes', () => {
    expect(respond('Hello!', museum)).toContain("I'm Mira")
    expect(respond('What is your name?', museum)).toContain('Mira')
    expect(respond('thank you', museum)).toBe("You're welcome!")
    expect(respond('Goodbye', museum)).toMatch(/Goodbye/)
  })

  it('admits what it cannot answer, echoing the question', () => {
    expect(respond('Can you juggle flaming torches?', museum)).toMatch(/juggle flaming torches/)
    expect(respond('   ', museum)).toMatch(/didn't catch/)
  })

  it('is deterministic', () => {
    expect(respond('How much are tickets?', museum)).toBe(respond('How much are tickets?', museum))
  })

  it('answers from the default persona offline', () => {
    expect(respond('Does this run offline?', DEFAULT_PERSONA)).toMatch(/offline/)
  })

  it('ignores stop words when matching', () => {
    expect(bestSentence('what is the', 'The sky is blue.')).toBeUndefined()
  })
})
