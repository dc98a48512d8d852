import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { fakeMicrophoneArgs, makeQuestionWav } from '../../tests/e2e/support/fake-microphone'
import { SANDBOX_KEY } from '../../tests/e2e/support/kiosk'
import { launchWebHost } from '../../tests/e2e/support/web-host'
import { startFakeOpenAi } from '../../tests/support/fake-openai'
import { ensureBuild } from '../ensure-build'
import { parseSoakArgs, SOAK_USAGE } from './args'
import { snapshotBuild } from './build-snapshot'
import { ErrorLog } from './errors'
import { KioskPage } from './kiosk-page'
import { FAULT_KINDS, planEpisode, seededRandom, type FaultKind } from './plan'
import { childCount, fdCount, ownRssMb, treeRssMb } from './proc'
import { markdown, sampleHeader, sampleLine, summaryLines, type SoakReport } from './report'
import { SandboxProcess } from './sandbox-process'
import { SessionLedger, type SessionView } from './sessions'
import { baselineAt, verdict, type Sample } from './verdict'

/**
 * `npm run soak -- --minutes N`: visitors come, ask, interrupt and leave, against the built web host and the
 * sandbox, with faults at random, while memory, handles, media objects and sessions are sampled. Not in CI.
 */

const ROOT = resolve(import.meta.dirname, '../..')
const QUESTION = 'What are your opening hours?'
/** Long enough that a barge-in lands while the avatar still speaks. */
const ANSWER =
  'We are open every day from nine in the morning until six in the evening. ' +
  'On Thursdays we stay open until nine at night, and guided tours leave from the main hall every hour. ' +
  'Tickets are sold at the entrance and online.'
const POLL_MS = 2_000
/** A session not the kiosk's live one may take this long to be stopped before it counts as leaked. */
const LEAK_GRACE_MS = 30_000
const LIVE_TIMEOUT_MS = 45_000
const ANSWER_TIMEOUT_MS = 20_000
/** The fake microphone's file loops every ~2.5 s: this much speaking holds one whole question. */
const SPEAK_MS = 3_000
/** The sandbox may restart only this long before the growth baseline, so figures after it are of one process. */
const RESTART_SETTLE_MS = 60_000
const STOP_WAIT_MS = 20_000

type SessionSnapshot = SessionView & { tasks?: unknown[]; audioUtterances?: { endedAt: number | null }[] }

/** What was started, closed in reverse order at the end or when the run fails half-way. */
const cleanups: (() => Promise<unknown>)[] = []

async function closeAll(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((error: unknown) => process.stderr.write(`soak cleanup: ${String(error)}\n`))
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

async function main(): Promise<number> {
  let args: ReturnType<typeof parseSoakArgs>
  try {
    args = parseSoakArgs(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${SOAK_USAGE}\n`)
    return 2
  }
  ensureBuild()
  const build = snapshotBuild()
  cleanups.push(async () => build.remove())
  // The hosts start from `out/` under the working directory (launchWebHost, SandboxProcess): the copy's.
  process.chdir(build.dir)
  const durationMs = args.minutes * 60_000
  const random = seededRandom(args.seed)
  const errors = new ErrorLog()
  const ledger = new SessionLedger(LEAK_GRACE_MS)
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>
  const questions = { asked: 0, answered: 0, bargeIns: 0 }
  const llmServed = { transcriptions: 0, chatCompletions: 0, speech: 0 }
  const samples: Sample[] = []
  let episodes = 0
  let restarting = false
  let lastSnapshots: SessionSnapshot[] = []
  const activityBySession = new Map<string, number>()
  process.stdout.write(
    `soak: ${args.minutes} min, kind ${args.kind}, seed ${args.seed} (repeat with --seed ${args.seed})\n`,
  )

  const llm = await startFakeOpenAi({ transcript: QUESTION, answer: ANSWER, tokensPerSecond: 30 })
  cleanups.push(() => llm.close())
  const sandbox = await SandboxProcess.start(SANDBOX_KEY, (line) => {
    if (/\b(warn|error):/.test(line)) errors.add('sandbox', line.replace(/^\S+ \[sandbox\] /, ''))
  })
  cleanups.push(() => sandbox.stop())
  const dataDir = await mkdtemp(join(tmpdir(), 'kiosk-soak-'))
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
  const config = join(dataDir, 'provision.json')
  await writeFile(
    config,
    JSON.stringify({
      provider: {
        kind: args.kind,
        baseUrl: sandbox.baseUrl,
        apiKey: SANDBOX_KEY,
        ...(args.kind === 'liveavatar' ? { liveavatar: { mode: 'lite' } } : {}),
      },
      avatar: { quality: 'low' },
      conversation: { mode: 'llm' },
      llm: { baseUrl: llm.baseUrl, apiKey: 'soak-llm-key-0123456789' },
    }),
  )
  const host = await launchWebHost({ dataDir, config })
  cleanups.push(async () => void (await host.stop()))
  const wav = makeQuestionWav('soak-question', QUESTION, 0.3, 0.5)
  const browser = await chromium.launch(chromiumLaunchOptions(fakeMicrophoneArgs(wav)))
  cleanups.push(() => browser.close())
  const kiosk = new KioskPage(browser, host.url, (source, message) => errors.add(source, message))
  const startedAt = Date.now()
  const endAt = startedAt + durationMs
  const restartUntil = startedAt + baselineAt(durationMs).atMs - RESTART_SETTLE_MS
  const tokenPath = args.kind === 'liveavatar' ? '/v1/sessions/token' : '/v1/streaming.create_token'

  /** What the fake LLM served, counted and let go: a long run would otherwise keep every recorded upload. */
  function countLlmRequests(): void {
    for (const request of llm.requests.splice(0)) {
      if (request.path.endsWith('/audio/transcriptions')) llmServed.transcriptions += 1
      else if (request.path.endsWith('/chat/completions')) llmServed.chatCompletions += 1
      else if (request.path.endsWith('/audio/speech')) llmServed.speech += 1
    }
  }

  async function poll(): Promise<void> {
    countLlmRequests()
    try {
      lastSnapshots = (await sandbox.control('GET', '/sessions')) as SessionSnapshot[]
      ledger.observe(lastSnapshots, await kiosk.liveSession(), Date.now())
    } catch (error) {
      if (!restarting) errors.add('soak', `sandbox sessions: ${String(error)}`)
    }
  }

  async function sample(): Promise<void> {
    const counts = ledger.counts()
    // Media objects are compared between live moments only: mid-reconnect a page rightly holds none or two.
    const live = (await kiosk.liveSession()) !== undefined
    const media = live ? await kiosk.mediaCounts() : undefined
    const next: Sample = {
      atMs: Date.now() - startedAt,
      sessionsOpened: counts.opened,
      sessionsStopped: counts.stopped,
      leakedNow: counts.leakedNow,
      hostRssMb: treeRssMb(host.process.pid!),
      sandboxRssMb: restarting ? Number.NaN : treeRssMb(sandbox.pid),
      sandboxNodeRssMb: restarting ? Number.NaN : ownRssMb(sandbox.pid),
      sandboxChildren: restarting ? Number.NaN : childCount(sandbox.pid),
      rendererHeapMb: await kiosk.heapMb(),
      hostFds: fdCount(host.process.pid!),
      sandboxFds: restarting ? Number.NaN : fdCount(sandbox.pid),
      peerConnections: media?.peerConnections,
      audioContexts: media?.audioContexts,
      mediaStreamTracks: media?.mediaStreamTracks,
    }
    samples.push(next)
    process.stdout.write(`${sampleLine(next)}\n`)
  }

  /**
   * Tasks and LITE utterances over every session seen, each session at its highest count: it grows when the
   * avatar starts to speak, on whichever session is live by then (a rotation may come mid-question).
   */
  function answerActivity(): number {
    for (const snapshot of lastSnapshots) {
      const count = (snapshot.tasks?.length ?? 0) + (snapshot.audioUtterances?.length ?? 0)
      activityBySession.set(snapshot.id, Math.max(count, activityBySession.get(snapshot.id) ?? 0))
    }
    let total = 0
    for (const count of activityBySession.values()) total += count
    return total
  }

  async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (await condition()) return true
      await sleep(250)
    }
    return false
  }

  /** LITE: no utterance of an open session still playing. (The legacy sandbox gives no end to wait for.) */
  function avatarQuiet(): boolean {
    return lastSnapshots.every(
      (snapshot) =>
        snapshot.state !== 'open' ||
        (snapshot.audioUtterances ?? []).every((utterance) => utterance.endedAt !== null),
    )
  }

  /** Answered: the question reached the LLM and the avatar then started to speak. */
  async function ask(): Promise<boolean> {
    // A visitor asks the next question once the answer is over; speaking into it is the barge-in step.
    await until(async () => {
      await poll()
      return avatarQuiet()
    }, ANSWER_TIMEOUT_MS)
    const before = answerActivity()
    const chatsBefore = llmServed.chatCompletions
    questions.asked += 1
    await kiosk.speak(true)
    await sleep(SPEAK_MS)
    await kiosk.speak(false)
    const answered = await until(async () => {
      await poll()
      return llmServed.chatCompletions > chatsBefore && answerActivity() > before
    }, ANSWER_TIMEOUT_MS)
    if (answered) questions.answered += 1
    else
      errors.add(
        'soak',
        `unanswered question at ${((Date.now() - startedAt) / 1000).toFixed(0)} s: LLM requests ${llmServed.chatCompletions - chatsBefore}, avatar activity ${answerActivity() - before}, live ${String(await kiosk.liveSession())}`,
      )
    return answered
  }

  async function inject(fault: FaultKind): Promise<void> {
    faults[fault] += 1
    const session = (await kiosk.liveSession()) ?? 'all'
    try {
      switch (fault) {
        case 'livekit-leave':
          await sandbox.control('POST', '/faults', { type: 'disconnect', session })
          break
        case 'chat-socket-drop':
          await sandbox.control('POST', '/faults', { type: 'drop-chat-socket', session })
          break
        case 'token-5xx':
          await sandbox.control('POST', '/faults', { type: 'rest', path: tokenPath, status: 503 })
          break
        case 'token-429':
          await sandbox.control('POST', '/faults', {
            type: 'rest',
            path: tokenPath,
            status: 429,
            retryAfterSeconds: 2,
          })
          break
        case 'sandbox-restart':
          restarting = true
          try {
            await sandbox.restart()
          } finally {
            restarting = false
          }
          break
      }
    } catch (error) {
      errors.add('soak', `fault ${fault}: ${String(error)}`)
    }
  }

  const poller = setInterval(() => void poll(), POLL_MS)
  process.stdout.write(`${sampleHeader()}\n`)
  let sampling = Promise.resolve()
  const sampler = setInterval(() => {
    sampling = sampling.then(sample, (error: unknown) => errors.add('soak', `sample: ${String(error)}`))
  }, args.sampleSeconds * 1000)
  cleanups.push(async () => {
    clearInterval(poller)
    clearInterval(sampler)
  })
  try {
    while (Date.now() < endAt) {
      const plan = planEpisode(random, { allowRestart: Date.now() < restartUntil })
      episodes += 1
      // Wake: the page opens (or was reloaded) and the kiosk goes live for the new visitor.
      await kiosk.open()
      if (!(await until(async () => (await kiosk.liveSession()) !== undefined, LIVE_TIMEOUT_MS))) {
        errors.add('soak', `episode ${episodes}: not live within ${LIVE_TIMEOUT_MS / 1000} s`)
      }
      for (let question = 0; question < plan.questions && Date.now() < endAt; question += 1) {
        const answered = await ask()
        if (question === 0 && plan.fault) await inject(plan.fault)
        if (plan.fault && plan.fault !== 'token-5xx' && plan.fault !== 'token-429') {
          await until(async () => (await kiosk.liveSession()) !== undefined, LIVE_TIMEOUT_MS)
        }
        if (answered && plan.bargeIn && question === plan.questions - 1) {
          // Barge-in: the visitor speaks again while the avatar is still answering.
          await sleep(1_000)
          questions.bargeIns += 1
          await kiosk.speak(true)
          await sleep(SPEAK_MS)
          await kiosk.speak(false)
        }
      }
      // Leave: silence, then the page reloads, closes, or stays up for the next visitor.
      await sleep(Math.min(plan.silenceMs, Math.max(0, endAt - Date.now())))
      // The last visitor's page stays up: the end samples need a renderer, and the end stops it anyway.
      if (Date.now() >= endAt) break
      if (plan.leave === 'reload') await kiosk.reload()
      else if (plan.leave === 'close') await kiosk.close()
    }
  } finally {
    clearInterval(sampler)
    await sampling
  }
  await poll()
  // A last sample at the very end, unless the sampler just took one.
  if (Date.now() - startedAt - (samples.at(-1)?.atMs ?? 0) > 5_000) await sample()
  const runMs = Date.now() - startedAt
  const leakedDuringRun = ledger.counts().leakedEver

  // The end: the visitor page goes, the kiosk stops; whatever the sandbox still has open was leaked.
  await kiosk.close()
  await until(async () => {
    await poll()
    return ledger.counts().open === 0
  }, STOP_WAIT_MS)
  await host.stop()
  await poll()
  clearInterval(poller)
  const counts = ledger.counts()
  const leakedAtEnd = counts.open
  for (const line of host.stderr().split('\n')) if (/^(warn|error):/.test(line)) errors.add('web host', line)

  await closeAll()

  const report: SoakReport = {
    startedAt: new Date(startedAt).toISOString(),
    args,
    durationMs: runMs,
    episodes,
    questions,
    llmServed,
    faults,
    sessions: {
      opened: counts.opened,
      stopped: counts.stopped,
      leakedDuringRun,
      leakedAtEnd,
      lostToRestart: counts.lostToRestart,
    },
    errors: errors.summary(),
    samples,
    verdict: verdict(samples, runMs, { duringRun: leakedDuringRun, atEnd: leakedAtEnd }),
  }
  const outDir = join(ROOT, 'soak-results')
  await mkdir(outDir, { recursive: true })
  const name = `soak-${report.startedAt.replace(/[:.]/g, '-')}-${args.kind}-seed${args.seed}`
  await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`)
  await writeFile(join(outDir, `${name}.md`), markdown(report))
  process.stdout.write(`\n${summaryLines(report).join('\n')}\n\nwritten: soak-results/${name}.{json,md}\n`)
  return report.verdict.pass ? 0 : 1
}

process.exitCode = await main().catch(async (error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  await closeAll()
  return 1
})
