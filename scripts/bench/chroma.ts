import { execFile } from 'node:child_process'
import { copyFile, mkdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import type {
  BenchInput,
  BenchResult,
  LoadInput,
  LoadMethod,
  LoadStarted,
} from '../../tests/e2e/compositor/harness/bench'
import { buildHarness, serveStatic } from '../../tests/e2e/support/harness'
import { CLOCK_TICKS_PER_SECOND, descendantsCpuSeconds } from '../soak/proc'
import { median } from './stats'

/**
 * The chroma key compositor against the official demo's per-pixel canvas loop, in the same Chromium, the same
 * page and the same run, on a playing green-screen video at 720p and 1080p. Per method: the median time per
 * new frame, including (for the compositor) waiting until the GPU has finished; see
 * tests/e2e/compositor/harness/bench.ts for exactly what is timed.
 *
 * Then the honest figure: CPU cores used by all of the browser's processes (from /proc, so the GPU process,
 * where WebGL runs, counts too) while a 720p video at 25 fps is composited for 10 s, per method, in rounds
 * that interleave the methods: the video alone (the floor), the demo's loop, ours as the app runs it
 * (automatic path) and ours forced onto WebGL. cpuRatio720 = demo / ours, medians over the rounds.
 *
 *   npx tsx scripts/bench/chroma.ts     prints one JSON line (diagnostics go to stderr)
 *   CHROMA_BENCH_LOAD_ONLY=1 ...        only the CPU rounds
 */

// page.evaluate callbacks run in the page; this only gives them their type here.
declare const window: {
  chromaHarness: {
    bench(input: BenchInput): Promise<BenchResult>
    startLoad(input: LoadInput): Promise<LoadStarted>
    stopLoad(): number
    loadFrames(): number
  }
}

const ROOT = resolve(import.meta.dirname, '../..')
const CACHE = join(ROOT, '.tmp/bench-chroma')
const SAMPLES = 40
const WARMUP = 5
const LOAD_METHODS: readonly LoadMethod[] = ['video', 'demo', 'ours', 'oursGpu']
const LOAD_ROUNDS = 3
const LOAD_SECONDS = 10
const LOAD_WARMUP_MS = 1500
const CLIP_FPS = 25
const run$ = promisify(execFile)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A 10 s VP8 clip: a studio-green screen and a moving, detailed figure standing on the bottom edge. */
async function greenScreenClip(width: number, height: number, fps = 30): Promise<string> {
  const file = join(CACHE, fps === 30 ? `green-${height}p.webm` : `green-${height}p${fps}.webm`)
  if (
    await stat(file)
      .then((s) => s.size > 0)
      .catch(() => false)
  )
    return file
  await mkdir(CACHE, { recursive: true })
  const figureWidth = Math.round(width * 0.3)
  const figureHeight = Math.round(height * 0.75)
  await run$('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=0x00b140:s=${width}x${height}:r=${fps}:d=10`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${figureWidth}x${figureHeight}:r=${fps}:d=10`,
    '-filter_complex',
    `[0][1]overlay=x='(W-w)/2+W*0.15*sin(2*PI*t/5)':y=H-h,format=yuv420p`,
    '-c:v',
    'libvpx',
    '-b:v',
    height >= 1080 ? '4M' : '2M',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-an',
    file,
  ])
  return file
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof chromium.launch>>['newPage']>>

/** CPU cores of the whole browser per method, rounds interleaved so that each sees the same machine load. */
async function loadRounds(page: Page): Promise<Record<string, number>> {
  const cores: Record<LoadMethod, number[]> = { video: [], demo: [], ours: [], oursGpu: [] }
  const fps: Record<LoadMethod, number[]> = { video: [], demo: [], ours: [], oursGpu: [] }
  for (let round = 0; round < LOAD_ROUNDS; round += 1) {
    // Rotate the order, so no method always follows the same one.
    const order = LOAD_METHODS.map((_, i) => LOAD_METHODS[(i + round) % LOAD_METHODS.length] as LoadMethod)
    for (const method of order) {
      const started = await page.evaluate((input) => window.chromaHarness.startLoad(input), {
        videoUrl: './green-720p25.webm',
        method,
      } satisfies LoadInput)
      await sleep(LOAD_WARMUP_MS)
      const frames0 = await page.evaluate(() => window.chromaHarness.loadFrames())
      const cpu0 = descendantsCpuSeconds(process.pid, CLOCK_TICKS_PER_SECOND)
      const t0 = performance.now()
      await sleep(LOAD_SECONDS * 1000)
      const cpu1 = descendantsCpuSeconds(process.pid, CLOCK_TICKS_PER_SECOND)
      const seconds = (performance.now() - t0) / 1000
      const frames1 = await page.evaluate(() => window.chromaHarness.stopLoad())
      cores[method].push((cpu1 - cpu0) / seconds)
      fps[method].push((frames1 - frames0) / seconds)
      process.stderr.write(
        `chroma load round ${round + 1} ${method}: ${((cpu1 - cpu0) / seconds).toFixed(3)} cores, ` +
          `${((frames1 - frames0) / seconds).toFixed(1)} fps ${JSON.stringify(started)}\n`,
      )
    }
  }
  // A method that cannot keep up on a loaded machine keys fewer frames and so uses fewer cores: raw cores
  // would reward being slow. Each round is therefore scaled to the cores it would need for all 25 frames a
  // second: the video's own decoding (the floor, measured alone) plus the method's extra cost per keyed frame.
  const video = median(cores.video)
  const at25 = (method: LoadMethod): number =>
    median(
      cores[method].map(
        (used, i) => video + ((used - video) * CLIP_FPS) / Math.max(fps[method][i] ?? 0, 0.1),
      ),
    )
  const demo = at25('demo')
  const ours = at25('ours')
  return {
    cpuCoresVideo720: round(video),
    cpuCoresDemo720: round(demo),
    cpuCoresOurs720: round(ours),
    cpuCoresOursGpu720: round(at25('oursGpu')),
    cpuRatio720: round(demo / ours),
    // The same without the decoding every method pays: what the keying itself costs.
    cpuRatioKeying720: round((demo - video) / Math.max(ours - video, 0.001)),
    rawCoresDemo720: round(median(cores.demo)),
    rawCoresOurs720: round(median(cores.ours)),
    fpsDemo720: round(median(fps.demo)),
    fpsOurs720: round(median(fps.ours)),
    fpsOursGpu720: round(median(fps.oursGpu)),
  }
}

export async function run(): Promise<Record<string, number>> {
  const loadOnly = process.env.CHROMA_BENCH_LOAD_ONLY === '1'
  const clips: Record<string, string> = {
    '720p25': await greenScreenClip(1280, 720, CLIP_FPS),
    ...(loadOnly
      ? {}
      : { '720p': await greenScreenClip(1280, 720), '1080p': await greenScreenClip(1920, 1080) }),
  }
  const dir = await buildHarness(join(ROOT, 'tests/e2e/compositor/harness'), 'compositor-bench')
  for (const [name, file] of Object.entries(clips)) await copyFile(file, join(dir, `green-${name}.webm`))
  const server = await serveStatic(dir)
  const browser = await chromium.launch(chromiumLaunchOptions(['--enable-unsafe-swiftshader']))
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    await page.goto(`${server.url}/index.html`)
    await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' })
    const results: Record<string, number> = {}
    for (const height of loadOnly ? [] : ([720, 1080] as const)) {
      const input: BenchInput = {
        videoUrl: `./green-${height}p.webm`,
        samples: SAMPLES,
        warmup: WARMUP,
        timeoutMs: 240_000,
      }
      const result = await page.evaluate((args) => window.chromaHarness.bench(args), input)
      process.stderr.write(`chroma bench ${height}p: ${JSON.stringify(result)}\n`)
      results[`compositorMs${height}`] = round(result.compositorMs)
      results[`baselineMs${height}`] = round(result.baselineMs)
      results[`ratio${height}`] = round(result.baselineMs / result.compositorMs)
      results[`compositorGpuMs${height}`] = round(result.compositorGpuMs)
      results[`ratioGpu${height}`] = round(result.baselineMs / result.compositorGpuMs)
    }
    return { ...results, ...(await loadRounds(page)) }
  } finally {
    await browser.close()
    await server.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run()
  process.stdout.write(`${JSON.stringify(results)}\n`)
}
