import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { buildHarness, serveStatic } from '../../tests/e2e/support/harness'
import { CLOCK_TICKS_PER_SECOND } from '../soak/proc'
import type {
  HarnessStartOptions,
  HarnessStartResult,
  SandboxHarness,
} from '../../tests/e2e/sandbox/harness/api'

/**
 * Measures the sandbox the way the app uses it: the real SDK in Chromium (through the bare-SDK harness page)
 * against the sandbox running as its own process, so its CPU and memory are its own.
 *
 *   npx tsx scripts/bench/sandbox.ts     prints one JSON line
 */

// page.evaluate callbacks run in the page; this only gives them their type here.
declare const window: { sandboxHarness: SandboxHarness }

export interface SandboxBenchResult {
  bench: 'sandbox'
  /** How the sandbox ran: the built bundle, or the TypeScript sources through tsx. */
  sandboxEntry: string
  machine: { cpus: number; node: string }
  /** createStartAvatar() call to resolution, 720p, over fresh sessions. */
  createStartAvatarMs: { median: number; samples: number[] }
  /** createStartAvatar() call to STREAM_READY. */
  streamReadyMs: { median: number; samples: number[] }
  /** CPU of the sandbox process and its ffmpeg/espeak-ng children for one 720p session, as a share of one core. */
  cpu720p: {
    windowSeconds: number
    share: number
    idleShare: number
    speakingShare: number
    sandboxNodeShare: number
    childrenShare: number
  }
  /** Resident memory of the sandbox process (children are gone by then). */
  rssMb: { beforeSessions: number; after50Sessions: number }
  sessionsOpenedAndClosed: number
}

const ROOT = resolve(import.meta.dirname, '../..')
const TIMED_STARTS = 10
const TOTAL_SESSIONS = 50
const CPU_WINDOW_SECONDS = 10
const LONG_SPEECH = [
  'Welcome to the museum of natural history.',
  'Our exhibition on the second floor shows minerals from every continent.',
  'The dinosaur hall is open until six in the evening, and guided tours leave every hour from the main entrance.',
  'Please ask me if you need directions, opening hours, or ticket prices.',
].join(' ')

export async function run(): Promise<SandboxBenchResult> {
  const harness = await buildHarness(join(ROOT, 'tests/e2e/sandbox/harness'), 'bench-sandbox')
  const sandbox = await startSandboxProcess()
  let site: Awaited<ReturnType<typeof serveStatic>> | undefined
  let browser: Browser | undefined
  try {
    site = await serveStatic(harness)
    browser = await chromium.launch(chromiumLaunchOptions())
    await sleep(500)
    const beforeSessions = rssMb(sandbox.pid)
    const starts: HarnessStartResult[] = []
    for (let i = 0; i < TIMED_STARTS; i++) {
      starts.push(await withSession(browser, site.url, sandbox.baseUrl, async (started) => started))
    }
    const cpu = await withSession(browser, site.url, sandbox.baseUrl, (_started, page) =>
      measureCpu(page, sandbox.pid),
    )
    for (let i = TIMED_STARTS + 1; i < TOTAL_SESSIONS; i++) {
      await withSession(browser, site.url, sandbox.baseUrl, async () => undefined, 'low')
    }
    await sleep(2000)
    const after50Sessions = rssMb(sandbox.pid)
    return {
      bench: 'sandbox',
      sandboxEntry: sandbox.entry,
      machine: { cpus: cpus().length, node: process.version },
      createStartAvatarMs: summary(starts.map((start) => start.createStartMs)),
      streamReadyMs: summary(starts.map((start) => start.readyMs)),
      cpu720p: cpu,
      rssMb: { beforeSessions, after50Sessions },
      sessionsOpenedAndClosed: TOTAL_SESSIONS,
    }
  } finally {
    await browser?.close()
    await site?.close()
    await sandbox.stop()
  }
}

/** Opens one session in a fresh page, runs `use`, then stops it the way the app does (stopAvatar). */
async function withSession<T>(
  browser: Browser,
  siteUrl: string,
  baseUrl: string,
  use: (started: HarnessStartResult, page: Page) => Promise<T>,
  quality: HarnessStartOptions['quality'] = 'high',
): Promise<T> {
  const page = await browser.newPage()
  try {
    await page.goto(siteUrl)
    await page.waitForFunction(() => window.sandboxHarness !== undefined)
    const options: HarnessStartOptions = { baseUrl, apiKey: 'bench', quality }
    const started = await page.evaluate((opts) => window.sandboxHarness.start(opts), options)
    const result = await use(started, page)
    await page.evaluate(() => window.sandboxHarness.stop())
    return result
  } finally {
    await page.close()
  }
}

async function measureCpu(page: Page, pid: number): Promise<SandboxBenchResult['cpu720p']> {
  await sleep(3000)
  const idle = await cpuOver(pid, CPU_WINDOW_SECONDS)
  await page.evaluate((text) => window.sandboxHarness.speak(text, 'repeat', 'async'), LONG_SPEECH)
  await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_start_talking'))
  const speaking = await cpuOver(pid, CPU_WINDOW_SECONDS)
  const round = (value: number): number => Math.round(value * 1000) / 1000
  return {
    windowSeconds: CPU_WINDOW_SECONDS * 2,
    share: round((idle.total + speaking.total) / 2),
    idleShare: round(idle.total),
    speakingShare: round(speaking.total),
    sandboxNodeShare: round((idle.self + speaking.self) / 2),
    childrenShare: round((idle.children + speaking.children) / 2),
  }
}

interface CpuSample {
  /** The sandbox's own ticks plus those of its children that have exited (cutime/cstime). */
  self: number
  reaped: number
  /** Ticks of children still running, by pid. */
  live: Map<number, number>
  at: number
}

async function cpuOver(
  pid: number,
  seconds: number,
): Promise<{ total: number; self: number; children: number }> {
  const before = sampleCpu(pid)
  await sleep(seconds * 1000)
  const after = sampleCpu(pid)
  const wall = (after.at - before.at) / 1000
  const self = (after.self - before.self) / CLOCK_TICKS_PER_SECOND / wall
  let childTicks = after.reaped - before.reaped
  for (const [child, ticks] of after.live) childTicks += ticks - (before.live.get(child) ?? 0)
  // A child alive at the start and gone at the end is counted whole in `reaped`; take off what it had before.
  for (const [child, ticks] of before.live) if (!after.live.has(child)) childTicks -= ticks
  const children = childTicks / CLOCK_TICKS_PER_SECOND / wall
  return { total: self + children, self, children }
}

function sampleCpu(pid: number): CpuSample {
  const own = statFields(pid)
  if (!own) throw new Error(`sandbox process ${pid} is gone`)
  const live = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const fields = statFields(Number(entry))
    // Only direct children: ffmpeg and espeak-ng are spawned by the sandbox itself.
    if (fields && fields.ppid === pid) live.set(Number(entry), fields.utime + fields.stime)
  }
  return { self: own.utime + own.stime, reaped: own.cutime + own.cstime, live, at: performance.now() }
}

function statFields(
  pid: number,
): { ppid: number; utime: number; stime: number; cutime: number; cstime: number } | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name may contain spaces: fields are counted from after its closing parenthesis.
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number)
  return {
    ppid: fields[1]!,
    utime: fields[11]!,
    stime: fields[12]!,
    cutime: fields[13]!,
    cstime: fields[14]!,
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return Math.round((kb / 1024) * 10) / 10
}

interface SandboxProcess {
  pid: number
  baseUrl: string
  entry: string
  stop(): Promise<void>
}

/**
 * Prefers the built bundle (what `npm run sandbox` runs) when it is newer than the sandbox sources; otherwise
 * runs the sources through tsx, which adds the transpiler's memory to the RSS figure.
 */
async function startSandboxProcess(): Promise<SandboxProcess> {
  // SANDBOX_BENCH_ENTRY points at another build of the CLI (e.g. electron-vite build --outDir elsewhere).
  const bundle = resolve(ROOT, process.env.SANDBOX_BENCH_ENTRY ?? 'out/main/sandbox.js')
  const useBundle =
    existsSync(bundle) &&
    statSync(bundle).mtimeMs >= newestMtime(join(ROOT, 'src/sandbox')) &&
    process.env.SANDBOX_BENCH_FROM_SOURCE !== '1'
  const args = useBundle ? [bundle] : ['--import', 'tsx', join(ROOT, 'src/sandbox/cli.ts')]
  const child = spawn(process.execPath, [...args, '--port', '0', '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const baseUrl = await readyUrl(child)
  return {
    pid: child.pid!,
    baseUrl,
    entry: useBundle ? relative(ROOT, bundle) : 'tsx src/sandbox/cli.ts',
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

function readyUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('sandbox did not report ready within 60 s'))
    }, 60_000)
    child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)))
    lines.once('line', (line) => {
      clearTimeout(timer)
      const ready = JSON.parse(line) as { ready: boolean; baseUrl: string }
      if (ready.ready) resolveUrl(ready.baseUrl)
      else reject(new Error(`unexpected first line: ${line}`))
    })
  })
}

function newestMtime(path: string): number {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))))
}

function summary(samples: number[]): { median: number; samples: number[] } {
  const rounded = samples.map((sample) => Math.round(sample))
  const sorted = [...rounded].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2)
  return { median, samples: rounded }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`)
    },
    (error: unknown) => {
      process.stderr.write(
        `sandbox bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      )
      process.exitCode = 1
    },
  )
}
