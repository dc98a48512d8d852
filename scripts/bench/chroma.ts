import { execFile } from 'node:child_process'
import { copyFile, mkdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import type { BenchInput, BenchResult } from '../../tests/e2e/compositor/harness/bench'
import { buildHarness, serveStatic } from '../../tests/e2e/support/harness'

/**
 * The chroma key compositor against the official demo's per-pixel canvas loop, in the same Chromium, the same
 * page and the same run, on a playing green-screen video at 720p and 1080p. Per method: the median time per
 * new frame, including (for the compositor) waiting until the GPU has finished; see
 * tests/e2e/compositor/harness/bench.ts for exactly what is timed.
 *
 *   npx tsx scripts/bench/chroma.ts     prints one JSON line (diagnostics go to stderr)
 */

// page.evaluate callbacks run in the page; this only gives them their type here.
declare const window: { chromaHarness: { bench(input: BenchInput): Promise<BenchResult> } }

const ROOT = resolve(import.meta.dirname, '../..')
const CACHE = join(ROOT, '.tmp/bench-chroma')
const SAMPLES = 40
const WARMUP = 5
const run$ = promisify(execFile)

/** A 10 s VP8 clip: a studio-green screen and a moving, detailed figure standing on the bottom edge. */
async function greenScreenClip(width: number, height: number): Promise<string> {
  const file = join(CACHE, `green-${height}p.webm`)
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
    `color=c=0x00b140:s=${width}x${height}:r=30:d=10`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${figureWidth}x${figureHeight}:r=30:d=10`,
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

export async function run(): Promise<Record<string, number>> {
  const clips = { 720: await greenScreenClip(1280, 720), 1080: await greenScreenClip(1920, 1080) }
  const dir = await buildHarness(join(ROOT, 'tests/e2e/compositor/harness'), 'compositor-bench')
  for (const [height, file] of Object.entries(clips)) await copyFile(file, join(dir, `green-${height}p.webm`))
  const server = await serveStatic(dir)
  const browser = await chromium.launch(chromiumLaunchOptions(['--enable-unsafe-swiftshader']))
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    await page.goto(`${server.url}/index.html`)
    await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' })
    const results: Record<string, number> = {}
    for (const height of [720, 1080] as const) {
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
    return results
  } finally {
    await browser.close()
    await server.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run()
  process.stdout.write(`${JSON.stringify(results)}\n`)
}
