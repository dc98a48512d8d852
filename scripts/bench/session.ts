import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from '@playwright/test'
import type { LiveAvatarHarness } from '../../tests/e2e/sandbox/liveavatar-harness/api'
import type { SandboxHarness } from '../../tests/e2e/sandbox/harness/api'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { buildHarness, serveStatic } from '../../tests/e2e/support/harness'
import { SANDBOX_KEY, startKiosk, waitForLive, type KioskUnderTest } from '../../tests/e2e/support/kiosk'
import { ensureBuild } from '../ensure-build'
import { median } from './stats'

/**
 * `npm run bench -- session`: for each provider kind, in one run against one sandbox, the time from a session
 * token to a playing stream through our session controller (the kiosk page, via the web host) and through the
 * bare SDK (a page with nothing but the SDK), alternating so both see the same load; and the time from a
 * provider disconnect to live again.
 */

declare const window: { sandboxHarness: SandboxHarness; liveAvatarHarness: LiveAvatarHarness }

const ROOT = resolve(import.meta.dirname, '../..')
const ROUNDS = 10
/** LiveAvatar's free sandbox avatar, the default of a fresh install. */
const WAYNE = 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a'

const round = (value: number) => Math.round(value)
const ratioOf = (ours: number, baseline: number) => Math.round((ours / baseline) * 100) / 100

/** Epoch ms of the newest performance mark of that name in the page. */
async function lastMark(page: Page, name: string): Promise<number> {
  return page.evaluate((mark) => {
    const entries = performance.getEntriesByName(mark)
    const last = entries.at(-1)
    return last ? performance.timeOrigin + last.startTime : Number.NaN
  }, name)
}

async function postJson<T>(url: string, headers: Record<string, string>, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return (await response.json()) as T
}

/** One bare-SDK start on an already open page, timed inside the page: token in hand → stream ready. */
interface BareSdk {
  page: Page
  /** Milliseconds to the SDK's ready event, and (LiveAvatar) to a usable session: CONNECTED and ready. */
  startOnce(): Promise<{ readyMs: number; usableMs: number }>
}

async function legacyBareSdk(browser: Browser, kiosk: KioskUnderTest): Promise<BareSdk> {
  const site = await serveStatic(
    await buildHarness(join(ROOT, 'tests/e2e/sandbox/harness'), 'session-bench-sdk'),
  )
  const page = await browser.newPage()
  page.once('close', () => void site.close())
  await page.goto(`${site.url}/index.html`)
  return {
    page,
    async startOnce() {
      const { data } = await postJson<{ data: { token: string } }>(
        `${kiosk.sandbox.baseUrl}/v1/streaming.create_token`,
        { 'X-Api-Key': SANDBOX_KEY },
        {},
      )
      const readyMs = await page.evaluate(
        async (options) => {
          const started = performance.now()
          await window.sandboxHarness.start(options)
          const ready = window.sandboxHarness.events().filter((event) => event.type === 'stream_ready')
          return (ready.at(-1)?.at ?? Number.NaN) - started
        },
        { baseUrl: kiosk.sandbox.baseUrl, token: data.token, quality: 'low' as const },
      )
      await page.evaluate(() => window.sandboxHarness.stop())
      // createStartAvatar resolves with the stream: ready and usable are the same moment.
      return { readyMs, usableMs: readyMs }
    },
  }
}

async function liveAvatarBareSdk(browser: Browser, kiosk: KioskUnderTest): Promise<BareSdk> {
  const site = await serveStatic(
    await buildHarness(join(ROOT, 'tests/e2e/sandbox/liveavatar-harness'), 'session-bench-liveavatar'),
  )
  const page = await browser.newPage()
  page.once('close', () => void site.close())
  await page.goto(site.url)
  await page.waitForFunction(() => window.liveAvatarHarness !== undefined)
  return {
    page,
    async startOnce() {
      const { data } = await postJson<{ data: { session_token: string } }>(
        `${kiosk.sandbox.baseUrl}/v1/sessions/token`,
        { 'X-API-KEY': SANDBOX_KEY },
        {
          mode: 'FULL',
          avatar_id: WAYNE,
          video_settings: { quality: 'low' },
          avatar_persona: { language: 'en' },
        },
      )
      const result = await page.evaluate((options) => window.liveAvatarHarness.start(options), {
        apiUrl: kiosk.sandbox.baseUrl,
        token: data.session_token,
      })
      await page.evaluate(() => window.liveAvatarHarness.stop())
      if (!result.ok || result.readyMs === null) throw new Error(`bare LiveAvatar SDK: ${result.error}`)
      return { readyMs: result.readyMs, usableMs: Math.max(result.readyMs, result.startMs) }
    },
  }
}

async function benchKind(browser: Browser, kind: 'heygen' | 'liveavatar'): Promise<Record<string, unknown>> {
  const kiosk = await startKiosk({ kind, settings: { conversation: { greeting: '' } } })
  try {
    const app = await browser.newPage()
    await app.goto(kiosk.host.url)
    let sessionId = await waitForLive(app, 20_000)
    const bareSdk =
      kind === 'heygen' ? await legacyBareSdk(browser, kiosk) : await liveAvatarBareSdk(browser, kiosk)

    const ours: number[] = []
    const bareReady: number[] = []
    const bareUsable: number[] = []
    const reconnect: number[] = []
    for (let round = 0; round < ROUNDS; round += 1) {
      // Ours: a provider disconnect makes the controller stop, mint a fresh token and start again.
      const droppedAt = Date.now()
      kiosk.sandbox.injectFault({ type: 'disconnect', session: sessionId })
      sessionId = await waitForLive(app, 20_000, sessionId)
      const tokenAt = await lastMark(app, 'kiosk:token')
      const liveAt = await lastMark(app, 'kiosk:live')
      ours.push(liveAt - tokenAt)
      reconnect.push(liveAt - droppedAt)
      // The bare SDK, on the same sandbox and in a page that stays up like ours.
      const bare = await bareSdk.startOnce()
      bareReady.push(bare.readyMs)
      bareUsable.push(bare.usableMs)
    }
    await bareSdk.page.close()
    await app.close()
    const oursMedian = median(ours)
    return {
      tokenToStreamReadyMs: {
        controller: round(oursMedian),
        bareSdk: round(median(bareReady)),
        // LiveAvatar's ready event can come before start() resolves; a kiosk can speak only once both happened,
        // and that is when our controller reports live.
        bareSdkUsable: round(median(bareUsable)),
      },
      ratio: ratioOf(oursMedian, median(bareReady)),
      ratioToUsable: ratioOf(oursMedian, median(bareUsable)),
      ratioGoal: 1.15,
      disconnectToLiveMs: round(median(reconnect)),
      disconnectToLiveGoalMs: 1500,
      samples: {
        controller: ours.map(round),
        bareSdk: bareReady.map(round),
        bareSdkUsable: bareUsable.map(round),
        disconnectToLive: reconnect.map(round),
      },
    }
  } finally {
    await kiosk.stop()
  }
}

export async function run(): Promise<Record<string, unknown>> {
  ensureBuild()
  const browser = await chromium.launch(chromiumLaunchOptions())
  try {
    return {
      bench: 'session',
      rounds: ROUNDS,
      heygen: await benchKind(browser, 'heygen'),
      liveavatar: await benchKind(browser, 'liveavatar'),
    }
  } finally {
    await browser.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
}
