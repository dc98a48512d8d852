import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import type { PresenceHarness } from '../../tests/e2e/presence/harness/main'
import { buildPresenceHarness } from '../../tests/e2e/presence/harness/build'
import { fakeCameraArgs, writeScene } from '../../tests/e2e/presence/harness/scenes'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { serveStatic } from '../../tests/e2e/support/harness'
import { buildRendererCsp } from '../../src/main/security/csp'
import { CLOCK_TICKS_PER_SECOND, treeCpuTicks } from '../soak/proc'
import { median } from './stats'

/**
 * Camera wake's cost: CPU of the whole browser (every Chromium process, from /proc) with the face detector
 * running at 3 fps on a fake camera showing a face, against the same page with the camera open and playing but
 * no detector, in the same browser and the same run. Figures are in cores (1 = one core fully busy).
 *
 *   npm run bench -- presence     prints one JSON line (diagnostics go to stderr)
 */

// page.evaluate callbacks run in the page; this only gives them their type here.
declare const window: { presenceHarness: PresenceHarness }

const ROOT = resolve(import.meta.dirname, '../..')
const WINDOW_SECONDS = 10
const FPS = 3

export interface FacePresenceCpu {
  /** The detector's TensorFlow.js backend in this browser. */
  backend: string
  fps: number
  windowSeconds: number
  /** Camera open and playing, no detector. */
  baselineCores: number
  /** The same, with the detector analysing frames. */
  detectorCores: number
  /** What the detector adds: detectorCores - baselineCores. */
  addedCores: number
  /** Frames the detector actually analysed per second (lower than `fps` when it cannot keep up). */
  analysedFps: number
  /** Median time the detector took per frame in its worker. */
  medianDetectMs: number
}

/** Cores used by this process's descendants (the browser) over a window. */
async function coresOver(seconds: number): Promise<number> {
  const before = treeCpuTicks(process.pid)
  const started = performance.now()
  await sleep(seconds * 1000)
  const after = treeCpuTicks(process.pid)
  return (after - before) / CLOCK_TICKS_PER_SECOND / ((performance.now() - started) / 1000)
}

const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits

async function measure(page: Page): Promise<FacePresenceCpu> {
  await page.evaluate(() => window.presenceHarness.openCameraOnly())
  await sleep(2000)
  const baselineCores = await coresOver(WINDOW_SECONDS)
  await page.evaluate(() => window.presenceHarness.stop())

  await page.evaluate((fps) => window.presenceHarness.start({ fps }), FPS)
  // Past the first frames, which include the detector's warm-up.
  await page.waitForFunction(() => window.presenceHarness.frames.length >= 3, undefined, { timeout: 60_000 })
  const framesBefore = await page.evaluate(() => window.presenceHarness.frames.length)
  const detectorCores = await coresOver(WINDOW_SECONDS)
  const { frames, backend } = await page.evaluate(() => ({
    frames: window.presenceHarness.frames,
    backend: window.presenceHarness.backend ?? 'unknown',
  }))
  await page.evaluate(() => window.presenceHarness.stop())
  const measured = frames.slice(framesBefore)
  return {
    backend,
    fps: FPS,
    windowSeconds: WINDOW_SECONDS,
    baselineCores: round(baselineCores),
    detectorCores: round(detectorCores),
    addedCores: round(detectorCores - baselineCores),
    analysedFps: round(measured.length / WINDOW_SECONDS, 2),
    medianDetectMs: round(median(measured.map((frame) => frame.ms)), 1),
  }
}

/**
 * For other benches (e.g. `bench attract`): builds the harness, runs one browser, returns the figures.
 * `extraChromiumArgs` e.g. ['--enable-unsafe-swiftshader'] gives the worker a (software) WebGL context.
 */
export async function measureFacePresenceCpu(extraChromiumArgs: string[] = []): Promise<FacePresenceCpu> {
  const [dir, face] = await Promise.all([
    buildPresenceHarness('presence-bench'),
    writeScene('face', resolve(ROOT, '.tmp/presence-scenes')),
  ])
  const csp = buildRendererCsp({ providerKind: 'liveavatar', providerBaseUrl: 'http://127.0.0.1:9' })
  const server = await serveStatic(dir, { 'content-security-policy': csp })
  const browser = await chromium.launch(
    chromiumLaunchOptions([...fakeCameraArgs(face), ...extraChromiumArgs]),
  )
  try {
    const page = await browser.newPage()
    await page.goto(`${server.url}/index.html`)
    await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' })
    const result = await measure(page)
    process.stderr.write(`presence bench: ${JSON.stringify(result)}\n`)
    return result
  } finally {
    await browser.close()
    await server.close()
  }
}

/**
 * The browser as the e2e spec runs it. On this GPU-less machine the worker still gets SwiftShader's software
 * WebGL (the figure reports the backend), so this is a pessimistic stand-in for a kiosk with a real GPU.
 */
export async function run(): Promise<FacePresenceCpu> {
  return measureFacePresenceCpu()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
}
