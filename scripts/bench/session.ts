import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import type { SandboxHarness } from '../../tests/e2e/sandbox/harness/api'
import { chromiumLaunchOptions } from '../../tests/e2e/support/chromium'
import { buildHarness, serveStatic } from '../../tests/e2e/support/harness'
import { SANDBOX_KEY, startKiosk, waitForLive } from '../../tests/e2e/support/kiosk'
import { ensureBuild } from '../ensure-build'
import { median } from './stats'

/**
 * `npm run bench -- session`: in one run, against one sandbox, the time from a session token to a playing
 * stream through our session controller (the kiosk page, via the web host) and through the bare SDK (a page
 * with nothing but the SDK), alternating so both see the same load; and the time from a provider disconnect
 * to live again.
 */

declare const window: { sandboxHarness: SandboxHarness }

const ROOT = resolve(import.meta.dirname, '../..')
const ROUNDS = 10

const round = (value: number) => Math.round(value)

/** Epoch ms of the newest performance mark of that name in the page. */
async function lastMark(page: Page, name: string): Promise<number> {
  return page.evaluate((mark) => {
    const entries = performance.getEntriesByName(mark)
    const last = entries.at(-1)
    return last ? performance.timeOrigin + last.startTime : Number.NaN
  }, name)
}

async function mintToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/streaming.create_token`, {
    method: 'POST',
    headers: { 'X-Api-Key': SANDBOX_KEY, 'Content-Type': 'application/json' },
    body: '{}',
  })
  return ((await response.json()) as { data: { token: string } }).data.token
}

export async function run(): Promise<Record<string, unknown>> {
  ensureBuild()
  const kiosk = await startKiosk({ settings: { conversation: { greeting: '' } } })
  const harnessDir = await buildHarness(join(ROOT, 'tests/e2e/sandbox/harness'), 'session-bench-sdk')
  const harnessServer = await serveStatic(harnessDir)
  const browser = await chromium.launch(chromiumLaunchOptions())
  try {
    const app = await browser.newPage()
    await app.goto(kiosk.host.url)
    let sessionId = await waitForLive(app, 20_000)
    const sdk = await browser.newPage()
    await sdk.goto(`${harnessServer.url}/index.html`)

    const ours: number[] = []
    const bare: number[] = []
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

      // The bare SDK, on the same sandbox and in a page that stays up like ours: token first, then
      // createStartAvatar to STREAM_READY, timed inside the page.
      const token = await mintToken(kiosk.sandbox.baseUrl)
      const readyMs = await sdk.evaluate(
        async (options) => {
          const started = performance.now()
          await window.sandboxHarness.start(options)
          const ready = window.sandboxHarness.events().filter((event) => event.type === 'stream_ready')
          return (ready.at(-1)?.at ?? Number.NaN) - started
        },
        { baseUrl: kiosk.sandbox.baseUrl, token, quality: 'low' as const },
      )
      bare.push(readyMs)
      await sdk.evaluate(() => window.sandboxHarness.stop())
    }
    const oursMedian = median(ours)
    const bareMedian = median(bare)
    return {
      bench: 'session',
      rounds: ROUNDS,
      tokenToStreamReadyMs: { controller: round(oursMedian), bareSdk: round(bareMedian) },
      ratio: Math.round((oursMedian / bareMedian) * 100) / 100,
      ratioGoal: 1.15,
      disconnectToLiveMs: round(median(reconnect)),
      disconnectToLiveGoalMs: 1500,
      samples: {
        controller: ours.map(round),
        bareSdk: bare.map(round),
        disconnectToLive: reconnect.map(round),
      },
    }
  } finally {
    await browser.close()
    await harnessServer.close()
    await kiosk.stop()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`)
}
