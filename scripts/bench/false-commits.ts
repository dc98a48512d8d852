import type { FakeChatMessage } from '../../tests/support/fake-openai'
import { joinWithSilence, parseWav, speak, voicedSegments, type Pcm } from '../../tests/e2e/support/utterance'
import type { RoundResult } from './voice-to-voice'

/**
 * False commits: questions with a pause inside ("Can you tell me … how to get to the station"), which an eager
 * end of turn could take for two turns. The fake transcriber hears what was really sent: the voiced stretches
 * of the uploaded WAV, split at gaps of 250 ms or more; one stretch is the first part (with a period, as Whisper
 * punctuates a fragment), two are the whole sentence. The fake LLM echoes the question it got, so the
 * sandbox's REPEAT text shows which question was answered.
 */

export interface SplitUtterance {
  first: string
  second: string
  /** The pause between the parts, ms. */
  pauseMs: number
}

const PARTS: [string, string, string][] = [
  ["I'd like to know", 'where the cafe is', '.'],
  ['Can you tell me', 'how to get to the station', '?'],
  ["I'm looking for", 'the pharmacy', '.'],
  ['Is there a', 'taxi rank nearby', '?'],
  ['What time does', 'breakfast end', '?'],
  ['Could you help me with', 'my booking', '?'],
  ['How do I get to', 'the airport', '?'],
  ['Which floor is', 'the gym on', '?'],
  ['My name is', 'Anna Schmidt', '.'],
  ['I need to', 'check out late', '.'],
  ['Where can I', 'leave my luggage', '?'],
  ['Do you have', 'a map of the city', '?'],
]
const PAUSES_MS = [400, 450, 500, 550, 600]
/** Gaps at least this long split what the fake transcriber hears into parts. */
export const PART_GAP_MS = 250
const ECHO = 'You asked: '

export const SPLIT_UTTERANCES: (SplitUtterance & {
  whole: string
  firstHeard: string
  secondHeard: string
})[] = PARTS.map(([first, second, end], index) => ({
  first,
  second,
  pauseMs: PAUSES_MS[index % PAUSES_MS.length]!,
  whole: `${first} ${second}${end}`,
  firstHeard: `${first}.`,
  secondHeard: `${second[0]!.toUpperCase()}${second.slice(1)}${end}`,
}))

export interface SplitPcm {
  pcm: Pcm
  /** Where the second part begins, ms from the start of `pcm`. */
  secondStartMs: number
}

export function splitUtterancePcm(utterance: SplitUtterance): SplitPcm {
  const first = speak(utterance.first)
  const secondStartMs = (first.samples.length * 1000) / first.sampleRate + utterance.pauseMs
  return { pcm: joinWithSilence([first, speak(utterance.second)], [utterance.pauseMs]), secondStartMs }
}

/** How many parts the uploaded WAV holds: 0 (silence), 1 or 2 (or more). */
export function partsHeard(wav: Buffer): number {
  return voicedSegments(parseWav(wav), PART_GAP_MS - 1).length
}

/**
 * What Whisper would say for the utterance being played, given the audio the kiosk uploaded. One part heard is
 * the first part if the upload came before the second part had ended (`secondEndsAt`, epoch ms), else the
 * second part alone (a kiosk that cut the question in two).
 */
export function transcribeSplit(
  utterance: { whole: string; firstHeard: string; secondHeard: string },
  wav: Buffer,
  secondEndsAt: number,
  now: number = Date.now(),
): string {
  const parts = partsHeard(wav)
  if (parts === 0) return ''
  if (parts > 1) return utterance.whole
  return now < secondEndsAt ? utterance.firstHeard : utterance.secondHeard
}

function text(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content))
    return content
      .map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : ''))
      .join('')
  return ''
}

/** A short answer that starts with the question it answers. */
export function echoAnswer(messages: FakeChatMessage[]): string {
  const question = text(messages.filter((message) => message.role === 'user').at(-1)?.content).trim()
  return `${ECHO}${question} Happy to help with that.`
}

const normalise = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase()

export interface FalseCommitVerdict {
  utterance: string
  pauseMs: number
  /** Answer speech that reached the sandbox before the utterance's last voiced sample. */
  early: number
  /** Answers to the first part only. */
  firstPartAnswers: number
  /** Answers to the second part alone: the question was cut in two. */
  secondPartAnswers: number
  /** Answers to the whole question. */
  wholeAnswers: number
  falseCommit: boolean
  answered: boolean
}

export function judge(utterance: (typeof SPLIT_UTTERANCES)[number], round: RoundResult): FalseCommitVerdict {
  const echoed = round.answers
    .map((answer) => answer.text ?? '')
    .filter((spoken) => spoken.startsWith(ECHO))
    .map((spoken) => normalise(spoken.slice(ECHO.length)))
  const early = round.answers.filter((answer) => answer.at < round.played.lastVoicedAt).length
  const firstPartAnswers = echoed.filter((question) => question === normalise(utterance.firstHeard)).length
  const secondPartAnswers = echoed.filter((question) => question === normalise(utterance.secondHeard)).length
  const wholeAnswers = echoed.filter((question) => question === normalise(utterance.whole)).length
  return {
    utterance: `${utterance.first} … ${utterance.second}`,
    pauseMs: utterance.pauseMs,
    early,
    firstPartAnswers,
    secondPartAnswers,
    wholeAnswers,
    falseCommit: early > 0 || firstPartAnswers > 0 || secondPartAnswers > 0,
    answered: wholeAnswers === 1,
  }
}
