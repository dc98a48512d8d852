import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { openSessions, startKiosk, type KioskUnderTest } from '../../tests/e2e/support/kiosk'
import { watchWake, type WakeTiming } from '../../tests/e2e/support/wake-timing'
import { ensureBuild } from '../ensure-build'
import { measureFacePresenceCpu } from './presence'
import { median } from './stats'

/**
 * `npm run bench -- attract`: how soon a woken kiosk shows and speaks. Per round, a tap on the attract screen
 * (ours: the page is up, the provider SDK preloaded, the token and connection started on the touch), timed
 * from the `kiosk:wake` mark to the avatar's first video frame and to the first audible sample of its greeting
 * at the page. The baseline, in the same run and alternating with ours, is the same avatar and greeting started
 * the way the kiosk started before attract mode: a cold page (settings, SDK, token and connection one after
 * the other), timed from navigation start. Both against the sandbox, which speaks the greeting with espeak-ng.
 */

/** `ATTRACT_BENCH_ROUNDS` shortens a smoke run; the figures to report use the default. */
const ROUNDS = Number(process.env.ATTRACT_BENCH_ROUNDS) || 10
const GREETING = 'Hello, welcome!'
const FIRST_FRAME_GOAL_MS = 1500

const round = (value: number) => Math.round(value)

async function waitForAttract(page: Page, kiosk: KioskUnderTest): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const state = await page.evaluate(() => document.documentElement.dataset.presenceState)
    if (state === 'attract' && openSessions(kiosk.sandbox).length === 0) return
    await page.waitForTimeout(100)
  }
  throw new Error('the kiosk did not go back to the attract screen within 30 s')
}

/** One wake by touch on a kiosk already on its attract screen. */
async function wakeOnce(page: Page, kiosk: KioskUnderTest): Promise<WakeTiming> {
  await waitForAttract(page, kiosk)
  const timing = await watchWake(page)
  await page.mouse.click(640, 360)
  return timing()
}

/** One cold start of a kiosk without attract mode, timed from navigation start. */
async function coldStartOnce(browser: Browser, kiosk: KioskUnderTest): Promise<WakeTiming> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  try {
    await page.goto(kiosk.host.url)
    const timing = await watchWake(page)
    const result = await timing()
    const navigationStart = await page.evaluate(() => performance.timeOrigin)
    return { ...result, wakeAt: navigationStart }
  } finally {
    await page.close()
    // The closed page's session is stopped by main after its grace; wait so rounds do not overlap.
    const deadline = Date.now() + 20_000
    while (openSessions(kiosk.sandbox).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function summary(samples: WakeTiming[]): Record<string, unknown> {
  const frame = samples.map((sample) => sample.firstFrameAt - sample.wakeAt)
  const audio = samples.map((sample) => sample.greetingAudioAt - sample.wakeAt)
  const valid = (values: number[]) => values.filter(Number.isFinite)
  return {
    firstFrameMs: round(median(valid(frame))),
    greetingAudioMs: round(median(valid(audio))),
    missing: frame.length - valid(frame).length + audio.length - valid(audio).length,
    samples: { firstFrameMs: frame.map(round), greetingAudioMs: audio.map(round) },
  }
}

export async function run(): Promise<Record<string, unknown>> {
  ensureBuild()
  const conversation = { mode: 'provider', greeting: GREETING }
  const asleep = await startKiosk({
    settings: {
      attract: {
        enabled: true,
        idleSeconds: 5,
        goodbye: '',
        wake: { touch: true, voice: false, camera: false },
      },
      conversation,
    },
  })
  const cold = await startKiosk({ settings: { conversation } })
  const browser = await chromium.launch(chromiumLaunchOptions())
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    await page.goto(asleep.host.url)
    const wakes: WakeTiming[] = []
    const coldStarts: WakeTiming[] = []
    for (let index = 0; index < ROUNDS; index += 1) {
      wakes.push(await wakeOnce(page, asleep))
      coldStarts.push(await coldStartOnce(browser, cold))
      process.stderr.write(`[attract] round ${index + 1}/${ROUNDS}\n`)
    }
    const ours = summary(wakes)
    await browser.close()
    // Camera wake's CPU, after the timed rounds so it does not load them (its own browser and fake camera).
    const presenceCpu = await measureFacePresenceCpu()
    return {
      bench: 'attract',
      rounds: ROUNDS,
      wake: ours,
      baseline: {
        what: 'cold page start without attract mode, from navigation start',
        ...summary(coldStarts),
      },
      firstFrameGoalMs: FIRST_FRAME_GOAL_MS,
      firstFrameGoalMet: (ours.firstFrameMs as number) < FIRST_FRAME_GOAL_MS,
      presenceCpu,
    }
  } finally {
    await browser.close()
    await asleep.stop()
    await cold.stop()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
}
