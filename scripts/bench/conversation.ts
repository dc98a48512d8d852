import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import type { Sandbox } from '../../src/sandbox'
import { splitIntoTokens, startFakeOpenAi } from '../../tests/support/fake-openai'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { fakeMicrophoneArgs, makeQuestionWav } from '../../tests/e2e/support/fake-microphone'
import { SANDBOX_KEY, startKiosk, waitForLive } from '../../tests/e2e/support/kiosk'
import { ensureBuild } from '../ensure-build'
import { median } from './stats'

/**
 * `npm run bench -- conversation`: how soon the avatar starts answering. One run, the fake LLM at 30 tokens/s
 * with a 120-token answer, the same fake transcription delay for both:
 *
 * - ours: the kiosk page (fake microphone → VAD → transcription → streamed answer → first sentence as a
 *   REPEAT task), from the detector's end-of-speech event to the first REPEAT reaching the sandbox;
 * - baseline, as the old HeyGen demo does it: transcribe, wait for the whole completion, then one REPEAT.
 */

const TOKENS_PER_SECOND = 30
const TRANSCRIPTION_DELAY_MS = 300
const FIRST_TOKEN_DELAY_MS = 200
const ROUNDS = 5
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

function repeatTasks(sandbox: Sandbox, text: string): number[] {
  return sandbox
    .sessions()
    .flatMap((session) => session.tasks)
    .filter((task) => task.type === 'repeat' && task.text === text)
    .map((task) => task.at)
}

/** `BENCH_PLAIN=1`: no chroma keying, to tell the pipeline's own cost from a CPU-rendered compositor's. */
function plainDisplay(): { display?: { chromaKey: { enabled: false } } } {
  return process.env.BENCH_PLAIN ? { display: { chromaKey: { enabled: false } } } : {}
}

/** When each LITE utterance's first audio chunk reached the sandbox. */
function audioArrivals(sandbox: Sandbox): number[] {
  return sandbox
    .sessions()
    .flatMap((session) => session.audioUtterances ?? [])
    .map((utterance) => utterance.firstChunkAt)
    .sort((a, b) => a - b)
}

/** Per fake-microphone loop: from the detector's end of speech to the avatar's first sign of the answer. */
async function measureRounds(page: Page, firstArrivals: () => number[]): Promise<number[]> {
  const samples: number[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const deadline = Date.now() + 30_000
    for (;;) {
      const ends = await speechEnds(page)
      const end = ends[round]
      const first = end === undefined ? undefined : firstArrivals().find((at) => at >= end)
      if (end !== undefined && first !== undefined) {
        samples.push(first - end)
        break
      }
      if (Date.now() > deadline) throw new Error(`round ${round}: no answer within 30 s`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return samples
}

async function speechEnds(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    performance.getEntriesByName('kiosk:speech-end').map((entry) => performance.timeOrigin + entry.startTime),
  )
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

export async function run(): Promise<Record<string, unknown>> {
  ensureBuild()
  const answer = answerOf120Tokens()
  const tokens = splitIntoTokens(answer)
  // The splitter hands out the first sentence once the first letter of the second one has arrived.
  const firstSentenceReadyToken = tokens.findIndex(
    (_, index) => tokens.slice(0, index).join('').trim() === FIRST_SENTENCE,
  )
  const inherentMs =
    TRANSCRIPTION_DELAY_MS + FIRST_TOKEN_DELAY_MS + (firstSentenceReadyToken * 1000) / TOKENS_PER_SECOND

  const llm = await startFakeOpenAi({
    tokensPerSecond: TOKENS_PER_SECOND,
    transcriptionDelayMs: TRANSCRIPTION_DELAY_MS,
    firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
    transcript: QUESTION,
    answer,
  })
  const kiosk = await startKiosk({
    settings: {
      conversation: { mode: 'llm', greeting: '' },
      llm: { baseUrl: llm.baseUrl, apiKey: 'bench-llm-key-0123456789' },
      ...plainDisplay(),
    },
  })
  const wav = makeQuestionWav('bench-breakfast', QUESTION, 1, 6)
  const browser = await chromium.launch(chromiumLaunchOptions(fakeMicrophoneArgs(wav)))
  try {
    // Ours: every loop of the fake microphone is one question.
    const page = await browser.newPage()
    await page.goto(kiosk.host.url)
    await waitForLive(page, 20_000)
    const ours = await measureRounds(page, () => repeatTasks(kiosk.sandbox, FIRST_SENTENCE))
    await page.close()

    // Baseline: the same fake services, the old demo's order of work, on a session of its own.
    const token = (await rest(kiosk.sandbox.baseUrl, '/v1/streaming.create_token', undefined, {})) as {
      token: string
    }
    const session = (await rest(kiosk.sandbox.baseUrl, '/v1/streaming.new', token.token, {
      quality: 'low',
      avatar_name: 'bench',
      version: 'v2',
    })) as { session_id: string }
    await rest(kiosk.sandbox.baseUrl, '/v1/streaming.start', token.token, { session_id: session.session_id })
    const audio = await readFile(wav)
    const baseline: number[] = []
    for (let round = 0; round < ROUNDS; round += 1) {
      const end = Date.now()
      const form = new FormData()
      form.append('model', 'whisper-1')
      form.append('file', new Blob([audio], { type: 'audio/wav' }), 'utterance.wav')
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
      await rest(kiosk.sandbox.baseUrl, '/v1/streaming.task', token.token, {
        session_id: session.session_id,
        text,
        task_type: 'repeat',
        task_mode: 'async',
      })
      const arrived = repeatTasks(kiosk.sandbox, text).find((at) => at >= end) as number
      baseline.push(arrived - end)
    }
    await rest(kiosk.sandbox.baseUrl, '/v1/streaming.stop', token.token, { session_id: session.session_id })

    const lite = await runLite(answer, inherentMs + SPEECH_FIRST_BYTE_DELAY_MS, browser)
    const oursMs = median(ours)
    const baselineMs = median(baseline)
    return {
      bench: 'conversation',
      rounds: ROUNDS,
      tokensPerSecond: TOKENS_PER_SECOND,
      answerTokens: tokens.length,
      speechEndToFirstRepeatMs: { ours: Math.round(oursMs), baselineWholeCompletion: Math.round(baselineMs) },
      speedup: Math.round((baselineMs / oursMs) * 100) / 100,
      speedupGoal: 3,
      fakeDelaysMs: {
        transcription: TRANSCRIPTION_DELAY_MS,
        firstToken: FIRST_TOKEN_DELAY_MS,
        firstSentenceTokens: Math.round((firstSentenceReadyToken * 1000) / TOKENS_PER_SECOND),
        total: Math.round(inherentMs),
      },
      appOverheadMs: Math.round(oursMs - inherentMs),
      appOverheadGoalMs: 100,
      samples: { ours: ours.map(Math.round), baseline: baseline.map(Math.round) },
      liveAvatarLite: lite,
    }
  } finally {
    await browser.close()
    await kiosk.stop()
    await llm.close()
  }
}

/**
 * LiveAvatar LITE: the same question and fakes, plus our text to speech with a first-byte delay; from the end of
 * speech to the first audio of the answer reaching the sandbox.
 */
async function runLite(
  answer: string,
  inherentMs: number,
  browser: Awaited<ReturnType<typeof chromium.launch>>,
): Promise<Record<string, unknown>> {
  const llm = await startFakeOpenAi({
    tokensPerSecond: TOKENS_PER_SECOND,
    transcriptionDelayMs: TRANSCRIPTION_DELAY_MS,
    firstTokenDelayMs: FIRST_TOKEN_DELAY_MS,
    speechFirstByteDelayMs: SPEECH_FIRST_BYTE_DELAY_MS,
    transcript: QUESTION,
    answer,
  })
  const kiosk = await startKiosk({
    kind: 'liveavatar',
    settings: {
      provider: { liveavatar: { mode: 'lite' } },
      conversation: { mode: 'llm', greeting: '' },
      llm: { baseUrl: llm.baseUrl, apiKey: 'bench-llm-key-0123456789' },
      ...plainDisplay(),
    },
  })
  try {
    const page = await browser.newPage()
    await page.goto(kiosk.host.url)
    await waitForLive(page, 20_000)
    const samples = await measureRounds(page, () => audioArrivals(kiosk.sandbox))
    await page.close()
    const oursMs = median(samples)
    return {
      speechEndToFirstAudioMs: Math.round(oursMs),
      fakeDelaysMs: { speechFirstByte: SPEECH_FIRST_BYTE_DELAY_MS, total: Math.round(inherentMs) },
      appOverheadMs: Math.round(oursMs - inherentMs),
      appOverheadGoalMs: 100,
      samples: samples.map(Math.round),
    }
  } finally {
    await kiosk.stop()
    await llm.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
}
