/**
 * The provider's "talk" brain, shrunk to something deterministic and offline: it answers from the
 * knowledge_base text the session was created with, or from a default persona.
 */

export interface Persona {
  name: string
  knowledge: string
}

export const DEFAULT_PERSONA: Persona = {
  name: 'Sandy',
  knowledge: [
    'This is the Avatar Kiosk sandbox, a stand-in for the streaming avatar provider.',
    'It runs entirely offline on this machine, with a drawn character and a synthetic voice.',
    'I repeat what the app asks me to say, and I answer simple questions from my knowledge base.',
  ].join(' '),
}

// Only the lead-in is case-insensitive: the name itself must be capitalised ("You are Mira", not "you are the").
const NAME_PATTERN = /\b(?:[Yy]ou are|[Yy]ou're|[Yy]our name is|I am|I'm|[Mm]y name is)\s+(\p{Lu}[\p{L}'-]+)/u
const STOP_WORDS = new Set(
  (
    'the a an and or but if then than to of in on at for from by with about as is are was were be been am do does did ' +
    'can could would should will shall may might must have has had you your yours i me my we our us it its this that ' +
    'these those there here what which who whom whose when where why how not no yes please tell know want like just ' +
    'so very too also any some all more most much many get got give say said'
  ).split(' '),
)

export function personaFrom(knowledgeBase: string | undefined): Persona {
  const knowledge = knowledgeBase?.trim()
  if (!knowledge) return DEFAULT_PERSONA
  const name = NAME_PATTERN.exec(knowledge)?.[1] ?? DEFAULT_PERSONA.name
  return { name, knowledge }
}

export function respond(question: string, persona: Persona): string {
  const text = question.trim()
  const lower = text.toLowerCase()
  if (text.length === 0) return "Sorry, I didn't catch that. Could you say it again?"
  if (/\b(your name|who are you)\b/.test(lower)) return `I'm ${persona.name}. How can I help you?`
  if (/^(hi|hello|hey|good (morning|afternoon|evening)|greetings)\b/.test(lower)) {
    return `Hello! I'm ${persona.name}. How can I help you today?`
  }
  if (/\b(thanks|thank you)\b/.test(lower)) return "You're welcome!"
  if (/^(bye|goodbye|see you)\b/.test(lower)) return 'Goodbye, and have a nice day!'
  const answer = bestSentence(text, persona.knowledge)
  if (answer) return answer
  return `You said: ${text}. I'm the offline sandbox avatar, so I can only answer from my knowledge base.`
}

/** The knowledge sentence sharing the most content words with the question, if any shares one. */
export function bestSentence(question: string, knowledge: string): string | undefined {
  const asked = new Set(contentWords(question))
  if (asked.size === 0) return undefined
  let best: { sentence: string; score: number } | undefined
  for (const sentence of sentencesOf(knowledge)) {
    const score = new Set(contentWords(sentence).filter((word) => asked.has(word))).size
    if (score > 0 && (!best || score > best.score)) best = { sentence, score }
  }
  return best?.sentence
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
}

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => word.length > 2 && !STOP_WORDS.has(word))
    .map((word) => (word.length > 4 && word.endsWith('s') ? word.slice(0, -1) : word))
}
