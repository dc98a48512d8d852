import { chromium, type Browser, type Page } from '@playwright/test'
import type { Sandbox } from '../../src/sandbox'
import { readUsageFromDataDir } from '../../src/main/services/usage/usage-file-reader'
import { startFakeOpenAi, type FakeChatMessage, type FakeOpenAi } from '../../tests/support/fake-openai'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { startKiosk, waitForLive, type KioskUnderTest } from '../../tests/e2e/support/kiosk'
import type { Pcm } from '../../tests/e2e/support/utterance'
import {
  addWebAudioMicrophone,
  playUtterance,
  waitForMicrophone,
  WEB_AUDIO_MICROPHONE_ARGS,
  type PlayedUtterance,
} from '../../tests/e2e/support/web-audio-microphone'
import { median } from './stats'

/**
 * Voice to voice: from the last voiced sample of the visitor's question, played into a WebAudio microphone at
 * a known time, to the first sample of the avatar's answer as the sandbox starts playing it (a REPEAT task's
 * `startedAt`, or a LITE utterance's). One kiosk per variant; one utterance per round, each answer interrupted
 * by a tap once it has been heard, and a quiet gap before the next, so rounds never overlap.
 */

export type TurnTaking = 'patient' | 'speculative' | 'quick'

export interface Variant {
  name: string
  kind: 'heygen' | 'liveavatar'
  liveAvatarMode?: 'full' | 'lite'
  turnTaking: TurnTaking
}

export interface BenchFakes {
  tokensPerSecond: number
  transcriptionDelayMs: number
  firstTokenDelayMs: number
  speechFirstByteDelayMs: number
}

/** What the fake services hear and say for the utterance being played; the bench switches it per round. */
export interface Script {
  transcribe(wav: Buffer): string
  answer(messages: FakeChatMessage[]): string
}

/** One answer as the sandbox saw it: a REPEAT task, or LITE speech audio (no text). */
export interface AnswerSpeech {
  text: string | null
  /** Reached the sandbox. */
  at: number
  /** Began playing; null if never (interrupted while queued). */
  startedAt: number | null
}

const MARKS = {
  pause: 'kiosk:pause',
  speculationDropped: 'kiosk:speculation-dropped',
  transcribed: 'kiosk:transcribed',
  turnEnd: 'kiosk:turn-end',
  speechEnd: 'kiosk:speech-end',
  sentenceSent: 'kiosk:sentence-sent',
} as const
type MarkName = keyof typeof MARKS

export interface RoundResult {
  played: PlayedUtterance
  /** Every answer that reached the sandbox from the start of the round until it went quiet. */
  answers: AnswerSpeech[]
  /** The first answer that began playing. */
  first: AnswerSpeech | undefined
  /** Epoch ms of the page's marks in this round (the first of each after the utterance began). */
  marks: Partial<Record<MarkName, number>>
  speculationsDropped: number
}

const ANSWER_TIMEOUT_MS = 15_000
/** After the tap, no new answer for this long means the round is over. */
const QUIET_MS = 600

export function answersAt(sandbox: Sandbox, lite: boolean, since: number): AnswerSpeech[] {
  const sessions = sandbox.sessions()
  const speech: AnswerSpeech[] = lite
    ? sessions
        .flatMap((session) => session.audioUtterances ?? [])
        .map((utterance) => ({ text: null, at: utterance.firstChunkAt, startedAt: utterance.startedAt }))
    : sessions
        .flatMap((session) => session.tasks)
        .filter((task) => task.type === 'repeat')
        .map((task) => ({ text: task.text, at: task.at, startedAt: task.startedAt }))
  return speech.filter((answer) => answer.at >= since).sort((a, b) => a.at - b.at)
}

async function pageMarks(page: Page): Promise<Record<MarkName, number[]>> {
  return page.evaluate((names) => {
    const result: Record<string, number[]> = {}
    for (const [key, name] of Object.entries(names))
      result[key] = performance
        .getEntriesByName(name)
        .map((entry) => performance.timeOrigin + entry.startTime)
    return result
  }, MARKS) as Promise<Record<MarkName, number[]>>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class BenchKiosk {
  private constructor(
    readonly variant: Variant,
    readonly kiosk: KioskUnderTest,
    readonly llm: FakeOpenAi,
    readonly page: Page,
  ) {}

  static async start(
    variant: Variant,
    fakes: BenchFakes,
    script: Script,
    browser: Browser,
    extraSettings: Record<string, unknown>,
  ): Promise<BenchKiosk> {
    const llm = await startFakeOpenAi({
      tokensPerSecond: fakes.tokensPerSecond,
      transcriptionDelayMs: fakes.transcriptionDelayMs,
      firstTokenDelayMs: fakes.firstTokenDelayMs,
      speechFirstByteDelayMs: fakes.speechFirstByteDelayMs,
      transcript: (wav) => script.transcribe(wav),
      answer: (messages) => script.answer(messages),
    })
    const kiosk = await startKiosk({
      kind: variant.kind,
      settings: {
        ...(variant.liveAvatarMode ? { provider: { liveavatar: { mode: variant.liveAvatarMode } } } : {}),
        conversation: { mode: 'llm', greeting: '', turnTaking: variant.turnTaking },
        llm: { baseUrl: llm.baseUrl, apiKey: 'bench-llm-key-0123456789' },
        ...extraSettings,
      },
    })
    const page = await browser.newPage()
    await addWebAudioMicrophone(page)
    await page.goto(kiosk.host.url)
    await waitForLive(page, 30_000)
    await waitForMicrophone(page, 30_000)
    // The VAD's first frames after opening are its warm-up; a little silence first, as a visitor would leave.
    await sleep(500)
    return new BenchKiosk(variant, kiosk, llm, page)
  }

  get lite(): boolean {
    return this.variant.liveAvatarMode === 'lite'
  }

  /**
   * Plays one utterance and collects what the sandbox answered: waits for the first answer after the last
   * voiced sample (earlier ones are false commits, kept in `answers`), listens `listenMs` more, taps the stage
   * (a barge-in), then waits until no answer has arrived for QUIET_MS.
   */
  async round(
    pcm: Pcm,
    listenMs: number,
    onPlayed: (played: PlayedUtterance) => void = () => {},
  ): Promise<RoundResult> {
    const since = Date.now()
    const played = await playUtterance(this.page, pcm)
    onPlayed(played)
    const deadline = Date.now() + ANSWER_TIMEOUT_MS + played.endAt - since
    let heard: AnswerSpeech | undefined
    while (!heard && Date.now() < deadline) {
      await sleep(25)
      if (Date.now() < played.lastVoicedAt) continue
      heard = answersAt(this.kiosk.sandbox, this.lite, since).find(
        (answer) => answer.startedAt !== null && answer.at >= played.lastVoicedAt,
      )
    }
    await sleep(listenMs)
    await this.page.locator('#stage').dispatchEvent('pointerdown')
    let count = answersAt(this.kiosk.sandbox, this.lite, since).length
    let quietSince = Date.now()
    while (Date.now() - quietSince < QUIET_MS) {
      await sleep(100)
      const now = answersAt(this.kiosk.sandbox, this.lite, since).length
      if (now !== count) {
        count = now
        quietSince = Date.now()
      }
    }
    const answers = answersAt(this.kiosk.sandbox, this.lite, since)
    const first = answers.find((answer) => answer.startedAt !== null)
    const all = await pageMarks(this.page)
    const until = (first?.startedAt ?? Date.now()) + 100
    const inRound = (times: number[]): number[] =>
      times.filter((time) => time >= played.firstVoicedAt && time <= until)
    const marks: Partial<Record<MarkName, number>> = {}
    for (const key of Object.keys(MARKS) as MarkName[]) {
      // The pause and transcript that fed the answer are the last before it; turn end and the rest the first.
      const times = inRound(all[key])
      const pick = key === 'pause' || key === 'transcribed' ? times.at(-1) : times[0]
      if (pick !== undefined) marks[key] = pick
    }
    return { played, answers, first, marks, speculationsDropped: inRound(all.speculationDropped).length }
  }

  /** The kiosk's own counts of speculative answers, from its usage ledger (written when the host stops). */
  async stop(): Promise<{ speculativeAnswers: number; speculativeDiscarded: number } | null> {
    await this.page.close().catch(() => undefined)
    await this.kiosk.host.stop()
    let usage: { speculativeAnswers: number; speculativeDiscarded: number } | null = null
    try {
      const { report } = await readUsageFromDataDir(this.kiosk.dataDir, { days: 2, now: Date.now() })
      usage = {
        speculativeAnswers: report.totals.speculativeAnswers,
        speculativeDiscarded: report.totals.speculativeDiscarded,
      }
    } catch {
      // Reported as null.
    }
    await this.kiosk.stop()
    await this.llm.close()
    return usage
  }
}

export async function launchBenchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions(WEB_AUDIO_MICROPHONE_ARGS))
}

/** Figures of one variant's question rounds, relative to the last voiced sample of the question (ms). */
export function stageFigures(rounds: RoundResult[]): Record<string, unknown> {
  const relative = (pick: (round: RoundResult) => number | undefined): number[] =>
    rounds.flatMap((round) => {
      const at = pick(round)
      return at === undefined ? [] : [at - round.played.lastVoicedAt]
    })
  const stage = (values: number[]): number | null => (values.length === 0 ? null : Math.round(median(values)))
  const voiceToVoice = relative((round) => round.first?.startedAt ?? undefined)
  const stages: Record<string, number | null> = {}
  for (const key of Object.keys(MARKS) as MarkName[])
    if (key !== 'speculationDropped') stages[key] = stage(relative((round) => round.marks[key]))
  stages.answerArrived = stage(relative((round) => round.first?.at))
  return {
    medianMs: stage(voiceToVoice),
    samples: voiceToVoice.map(Math.round),
    rounds: rounds.length,
    answered: voiceToVoice.length,
    /** Medians from the last voiced sample, ms: when each step happened. */
    stagesFromLastVoicedMs: stages,
    speculationsDropped: rounds.reduce((sum, round) => sum + round.speculationsDropped, 0),
    clockCheck: {
      outputTimestampSkewMs: stage(
        rounds.flatMap((round) =>
          round.played.outputTimestampSkewMs === null ? [] : [round.played.outputTimestampSkewMs],
        ),
      ),
      baseLatencyMs: stage(rounds.map((round) => round.played.baseLatencyMs)),
    },
  }
}
