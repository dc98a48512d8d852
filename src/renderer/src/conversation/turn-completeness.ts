/**
 * Whether a transcript is plainly a complete question or sentence, so the kiosk may answer without waiting out
 * the full end-of-speech silence. Wrong "yes" answers the visitor mid-question; wrong "no" only costs the rest
 * of the silence. So it says yes only on clear signs, and for languages it has no word lists for, only to a
 * question that ends in a question mark.
 *
 * Speech-to-text punctuates fragments too ("I'd like to know."), so punctuation alone is not enough: the last
 * words must not leave the sentence hanging.
 */

/** Words a sentence cannot end on, whatever its punctuation: articles, conjunctions, hesitations. */
const NEVER_LAST = new Set([
  'a',
  'an',
  'the',
  'my',
  'your',
  'our',
  'their',
  'and',
  'or',
  'but',
  'because',
  'if',
  'although',
  'though',
  'whether',
  'unless',
  'than',
  'um',
  'umm',
  'uh',
  'uhm',
  'er',
  'erm',
  'hmm',
  'ah',
])

/**
 * Words a statement rarely ends on, though a question may ("What is it for?", "Do you know?"): prepositions,
 * verbs that want an object, auxiliaries.
 */
const STATEMENT_NEVER_LAST = new Set([
  'to',
  'of',
  'for',
  'with',
  'from',
  'by',
  'at',
  'in',
  'into',
  'on',
  'about',
  'near',
  'like',
  'through',
  'know',
  'tell',
  'show',
  'need',
  'want',
  'wonder',
  'wondering',
  'looking',
  'find',
  'get',
  'be',
  'can',
  'could',
  'would',
  'should',
  'will',
  'do',
  'does',
  'did',
  'have',
  'has',
  'me',
  "i'm",
  'i',
])

/** A statement may end on these only as an embedded question ("I'd like to know where the cafe is."). */
const COPULAS = new Set(['is', 'are', 'was', 'were', 'am'])
const QUESTION_WORDS = new Set([
  'where',
  'what',
  'when',
  'how',
  'which',
  'who',
  'whom',
  'why',
  'whether',
  'if',
])

/**
 * "…where the cafe is." is whole; "My name is." and "Which floor is." are not: a copula may close a statement
 * only after a question word that is neither its first word (a question still being asked) nor right before it.
 */
function endsWithEmbeddedQuestion(words: readonly string[]): boolean {
  const questionWord = words.findIndex((word, index) => index >= 1 && QUESTION_WORDS.has(word))
  return questionWord >= 1 && questionWord <= words.length - 3
}

/** Openings of a request whose object has not come yet, even as a question ("Can you tell me?"). */
const HANGING_ENDINGS = [/\b(tell|show|give|ask|remind|teach) me$/u, /\b(like|want|need) to$/u]

const TRAILING_OFF = /(\.\.\.|…|[,;:\-–—])$/u

export function looksComplete(transcript: string, language: string): boolean {
  const text = transcript.trim()
  if (!text || TRAILING_OFF.test(text)) return false
  const question = /[?？]$/u.test(text)
  if (!question && !/[.!。！]$/u.test(text)) return false
  if (!language.toLowerCase().startsWith('en')) return question
  const words = (
    text
      .toLowerCase()
      .replaceAll('’', "'")
      .match(/[\p{L}\p{N}']+/gu) ?? []
  ).map((word) => word.replace(/^'+|'+$/gu, ''))
  const last = words.at(-1)
  if (last === undefined || NEVER_LAST.has(last)) return false
  const ending = words.slice(-2).join(' ')
  if (HANGING_ENDINGS.some((pattern) => pattern.test(ending))) return false
  if (question) return true
  if (COPULAS.has(last)) return endsWithEmbeddedQuestion(words)
  return !STATEMENT_NEVER_LAST.has(last)
}
