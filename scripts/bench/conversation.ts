import { pathToFileURL } from 'node:url'
import type { Sandbox } from '../../src/sandbox'
import { splitIntoTokens, type FakeOpenAi } from '../../tests/support/fake-openai'
import { SANDBOX_KEY } from '../../tests/e2e/support/kiosk'
import { speak, toWav } from '../../tests/e2e/support/utterance'
import { ensureBuild } from '../ensure-build'
import {
  echoAnswer,
  judge,
  PART_GAP_MS,
  SPLIT_UTTERANCES,
  splitUtterancePcm,
  transcribeSplit,
  type FalseCommitVerdict,
} from './false-commits'
import { median } from './stats'
import {
  BenchKiosk,
  launchBenchBrowser,
  stageFigures,
  type BenchFakes,
  type RoundResult,
  type Script,
  type Variant,
} from './voice-to-voice'

/**
 * `npm run bench -- conversation`: how soon the avatar starts answering. One run, the fake LLM at 30 tokens/s
 * with a 120-token answer, the same fake transcription delay for all:
 *
 * - voiceToVoiceMs: from the last voiced sample of the visitor's question (played into a WebAudio microphone at
 *   a known time) to the first sample of the answer the sandbox plays, per provider and turn-taking mode; ours
 *   is the legacy kiosk in `quick` mode, the baseline the same kiosk in `patient` mode (the pipeline before
 *   turn taking), with per-stage medians from the page's marks;
 * - speechEndToFirstRepeatMs: on the `patient` kiosk, from the detector's end-of-speech mark to the first REPEAT
 *   reaching the sandbox, against the old HeyGen demo's order of work (transcribe, wait for the whole
 *   completion, then one REPEAT);
 * - falseCommits: questions with a pause inside, on the `quick` and `speculative` kiosks: answers that came
 *   before the visitor had finished, or answered only the first part (goal 0), and that each was answered once.
 */

const TOKENS_PER_SECOND = 30
const TRANSCRIPTION_DELAY_MS = 300
const FIRST_TOKEN_DELAY_MS = 200
const ROUNDS = 5
/** The visitor's goal for voice to voice (issue 12). */
const VOICE_TO_VOICE_GOAL_MS = 1100
/**
 * False-commit rounds: after the first answer began playing, long enough to hear a second one arrive before the
 * tap. Question rounds tap at once: only the first answer's start is measured.
 */
const LISTEN_MS = 500
/** LiveAvatar LITE: our text to speech, from the request to its first byte of audio. */
const SPEECH_FIRST_BYTE_DELAY_MS = 150
const QUESTION = 'Where can I get breakfast?'
const FIRST_SENTENCE = 'Breakfast is served in the garden restaurant.'

/** A 120-token answer (by the fake server's tokenisation) whose first sentence is short, as LLM answers are. */
function answerOf120Tokens(): string {
  const filler =
    ' It has fresh pastries, fruit, eggs cooked to order, local cheese and strong coffee every day.'
  const tokens = splitIntoTokens(FIRST_SENTENCE + filler.repeat(12)).slice(0, 119)
  tokens.push('today.')
  return tokens.join('')
}

/** `BENCH_PLAIN=1`: no chroma keying, to tell the pipeline's own cost from a CPU-rendered compositor's. */
function plainDisplay(): Record<string, unknown> {
  return process.env.BENCH_PLAIN ? { display: { chromaKey: { enabled: false } } } : {}
}

async function rest(
  baseUrl: string,
  path: string,
  token: string | undefined,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : { 'X-Api-Key': SANDBOX_KEY }),
    },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return ((await response.json()) as { data: unknown }).data
}

const VARIANTS: (Variant & { falseCommits: boolean })[] = [
  { name: 'legacyPatient', kind: 'heygen', turnTaking: 'patient', falseCommits: false },
  { name: 'legacySpeculative', kind: 'heygen', turnTaking: 'speculative', falseCommits: true },
  { name: 'legacyQuick', kind: 'heygen', turnTaking: 'quick', falseCommits: true },
  {
    name: 'fullPatient',
    kind: 'liveavatar',
    liveAvatarMode: 'full',
    turnTaking: 'patient',
    falseCommits: false,
  },
  { name: 'fullQuick', kind: 'liveavatar', liveAvatarMode: 'full', turnTaking: 'quick', falseCommits: false },
  {
    name: 'litePatient',
    kind: 'liveavatar',
    liveAvatarMode: 'lite',
    turnTaking: 'patient',
    falseCommits: false,
  },
  { name: 'liteQuick', kind: 'liveavatar', liveAvatarMode: 'lite', turnTaking: 'quick', falseCommits: false },
]

/** The old HeyGen demo's order of work on a session of its own: transcribe, whole completion, one REPEAT. */
async function wholeCompletionBaseline(sandbox: Sandbox, llm: FakeOpenAi, wav: Buffer): Promise<number[]> {
  const token = (await rest(sandbox.baseUrl, '/v1/streaming.create_token', undefined, {})) as {
    token: string
  }
  const session = (await rest(sandbox.baseUrl, '/v1/streaming.new', token.token, {
    quality: 'low',
    avatar_name: 'bench',
    version: 'v2',
  })) as { session_id: string }
  await rest(sandbox.baseUrl, '/v1/streaming.start', token.token, { session_id: session.session_id })
  const samples: number[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const end = Date.now()
    const form = new FormData()
    form.append('model', 'whisper-1')
    form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'utterance.wav')
    const transcribed = (await (
      await fetch(`${llm.baseUrl}/audio/transcriptions`, { method: 'POST', body: form })
    ).json()) as { text: string }
    const completion = await fetch(`${llm.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: transcribed.text }],
      }),
    })
    const text = (await completion.text())
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map(
        (line) =>
          (JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
            .content ?? '',
      )
      .join('')
    await rest(sandbox.baseUrl, '/v1/streaming.task', token.token, {
      session_id: session.session_id,
      text,
      task_type: 'repeat',
      task_mode: 'async',
    })
    const arrived = sandbox
      .sessions()
      .flatMap((entry) => entry.tasks)
      .find((task) => task.type === 'repeat' && task.text === text && task.at >= end)
    if (!arrived) throw new Error('baseline: the REPEAT did not reach the sandbox')
    samples.push(arrived.at - end)
  }
  await rest(sandbox.baseUrl, '/v1/streaming.interrupt', token.token, { session_id: session.session_id })
  await rest(sandbox.baseUrl, '/v1/streaming.stop', token.token, { session_id: session.session_id })
  return samples
}

/** From the detector's end-of-speech mark to the answer's arrival at the sandbox, per round that has both. */
function speechEndToArrival(rounds: RoundResult[]): number[] {
  return rounds.flatMap((round) =>
    round.marks.speechEnd === undefined || round.first === undefined
      ? []
      : [round.first.at - round.marks.speechEnd],
  )
}

interface FalseCommitFigures {
  utterances: number
  falseCommits: number
  answered: number
  /** Chat requests the fake LLM got during these rounds, and those the kiosk closed before the answer's end. */
  llmChatRequests: number
  llmChatClosedBeforeEnd: number
  /** The page's `kiosk:speculation-dropped` marks in these rounds: the visitor went on after a pause. */
  speculationsDropped: number
  verdicts: FalseCommitVerdict[]
}

export async function run(): Promise<Record<string, unknown>> {
  ensureBuild()
  const startedAt = Date.now()
  const answer = answerOf120Tokens()
  const tokens = splitIntoTokens(answer)
  // The splitter hands out the first sentence with the token that brings its full stop; the first token comes
  // after FIRST_TOKEN_DELAY_MS, each next one a token interval later.
  const firstSentenceTokens = tokens.findIndex(
    (_, index) => tokens.slice(0, index).join('').trim() === FIRST_SENTENCE,
  )
  const firstSentenceReadyToken = firstSentenceTokens - 1
  const inherentMs =
    TRANSCRIPTION_DELAY_MS + FIRST_TOKEN_DELAY_MS + (firstSentenceReadyToken * 1000) / TOKENS_PER_SECOND
  const fakes: BenchFakes = {
    tokensPerSecond: TOKENS_PER_SECOND,
    transcriptionDelayMs: TRANSCRIPTION_DELAY_MS,
    firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
    speechFirstByteDelayMs: SPEECH_FIRST_BYTE_DELAY_MS,
  }
  const question = speak(QUESTION)
  const splits = SPLIT_UTTERANCES.map((utterance) => ({ utterance, split: splitUtterancePcm(utterance) }))
  const questionScript: Script = { transcribe: () => QUESTION, answer: () => answer }
  let current = questionScript
  // Each kiosk's fake services ask whatever script is current: the bench plays one utterance at a time.
  const script: Script = {
    transcribe: (wav) => current.transcribe(wav),
    answer: (messages) => current.answer(messages),
  }

  const byVariant: Record<string, Record<string, unknown>> = {}
  const rounds: Record<string, RoundResult[]> = {}
  const falseCommits: Record<string, FalseCommitFigures> = {}
  let baseline: number[] = []
  const browser = await launchBenchBrowser()
  try {
    for (const variant of VARIANTS) {
      const variantStartedAt = Date.now()
      const bench = await BenchKiosk.start(variant, fakes, script, browser, plainDisplay())
      const liveAfterS = (Date.now() - variantStartedAt) / 1000
      let usage: Awaited<ReturnType<BenchKiosk['stop']>> = null
      try {
        current = questionScript
        const questionRounds: RoundResult[] = []
        for (let round = 0; round < ROUNDS; round += 1)
          questionRounds.push(await bench.round(question, LISTEN_MS))
        rounds[variant.name] = questionRounds
        if (variant.name === 'legacyPatient')
          baseline = await wholeCompletionBaseline(bench.kiosk.sandbox, bench.llm, toWav(question))
        if (variant.falseCommits) {
          const chatBefore = bench.llm.requests.length
          const verdicts: FalseCommitVerdict[] = []
          let speculationsDropped = 0
          for (const { utterance, split } of splits) {
            // Until the utterance is scheduled, any upload is taken for the first part.
            let secondEndsAt = Number.POSITIVE_INFINITY
            current = {
              transcribe: (wav) => transcribeSplit(utterance, wav, secondEndsAt),
              answer: echoAnswer,
            }
            const round = await bench.round(split.pcm, LISTEN_MS, (played) => (secondEndsAt = played.endAt))
            verdicts.push(judge(utterance, round))
            speculationsDropped += round.speculationsDropped
          }
          current = questionScript
          const chats = bench.llm.requests
            .slice(chatBefore)
            .filter((request) => request.path === '/v1/chat/completions')
          falseCommits[variant.name] = {
            utterances: verdicts.length,
            falseCommits: verdicts.filter((verdict) => verdict.falseCommit).length,
            answered: verdicts.filter((verdict) => verdict.answered).length,
            llmChatRequests: chats.length,
            llmChatClosedBeforeEnd: chats.filter((request) => request.closedBeforeEnd).length,
            speculationsDropped,
            verdicts,
          }
        }
      } finally {
        usage = await bench.stop()
      }
      byVariant[variant.name] = {
        kind: variant.kind,
        ...(variant.liveAvatarMode ? { liveAvatarMode: variant.liveAvatarMode } : {}),
        turnTaking: variant.turnTaking,
        ...stageFigures(rounds[variant.name] ?? []),
        kioskUsage: usage,
        wallTimeS: {
          kioskLive: Math.round(liveAfterS),
          total: Math.round((Date.now() - variantStartedAt) / 1000),
        },
      }
    }
  } finally {
    await browser.close()
  }

  const medianOf = (name: string): number => {
    const samples = byVariant[name]?.samples as number[] | undefined
    return samples && samples.length > 0 ? Math.round(median(samples)) : Number.NaN
  }
  const oursMs = medianOf('legacyQuick')
  const patientMs = medianOf('legacyPatient')
  const stagesOf = (name: string): Record<string, number | null> =>
    (byVariant[name]?.stagesFromLastVoicedMs as Record<string, number | null> | undefined) ?? {}
  const saved = (from: string, to: string): Record<string, number | null> => {
    const a = stagesOf(from)
    const b = stagesOf(to)
    const result: Record<string, number | null> = {}
    for (const key of ['turnEnd', 'transcribed', 'sentenceSent', 'answerArrived'])
      result[key] = a[key] == null || b[key] == null ? null : a[key] - b[key]
    result.firstSound = medianOf(from) - medianOf(to)
    return result
  }

  const speechEndOurs = speechEndToArrival(rounds.legacyPatient ?? [])
  const speechEndLite = speechEndToArrival(rounds.litePatient ?? [])
  const speechEndOursMs = median(speechEndOurs)
  const baselineMs = median(baseline)
  const liteInherentMs = inherentMs + SPEECH_FIRST_BYTE_DELAY_MS
  return {
    bench: 'conversation',
    rounds: ROUNDS,
    tokensPerSecond: TOKENS_PER_SECOND,
    answerTokens: tokens.length,
    voiceToVoiceMs: {
      ours: oursMs,
      baseline: patientMs,
      goalMs: VOICE_TO_VOICE_GOAL_MS,
      met: oursMs <= VOICE_TO_VOICE_GOAL_MS,
      measuredFrom: 'last voiced sample (10 ms RMS > 1% FS) played into the WebAudio microphone',
      measuredTo: "the sandbox speaker's start of the first answer (REPEAT task / LITE audio startedAt)",
      byVariant,
      /** How much earlier each step came in quick than in patient mode (legacy HeyGen), ms. */
      savedQuickVsPatientMs: saved('legacyPatient', 'legacyQuick'),
      savedSpeculativeVsPatientMs: saved('legacyPatient', 'legacySpeculative'),
    },
    speechEndToFirstRepeatMs: {
      ours: Math.round(speechEndOursMs),
      baselineWholeCompletion: Math.round(baselineMs),
      measuredOn: 'legacyPatient',
    },
    speedup: Math.round((baselineMs / speechEndOursMs) * 100) / 100,
    speedupGoal: 3,
    fakeDelaysMs: {
      transcription: TRANSCRIPTION_DELAY_MS,
      firstToken: FIRST_TOKEN_DELAY_MS,
      firstSentenceTokens: Math.round((firstSentenceReadyToken * 1000) / TOKENS_PER_SECOND),
      total: Math.round(inherentMs),
    },
    appOverheadMs: Math.round(speechEndOursMs - inherentMs),
    appOverheadGoalMs: 100,
    samples: { ours: speechEndOurs.map(Math.round), baseline: baseline.map(Math.round) },
    liveAvatarLite: {
      speechEndToFirstAudioMs: Math.round(median(speechEndLite)),
      fakeDelaysMs: { speechFirstByte: SPEECH_FIRST_BYTE_DELAY_MS, total: Math.round(liteInherentMs) },
      appOverheadMs: Math.round(median(speechEndLite) - liteInherentMs),
      appOverheadGoalMs: 100,
      samples: speechEndLite.map(Math.round),
      measuredOn: 'litePatient',
    },
    falseCommits: {
      goal: 0,
      partGapMs: PART_GAP_MS,
      byVariant: falseCommits,
    },
    wallTimeS: Math.round((Date.now() - startedAt) / 1000),
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
}
