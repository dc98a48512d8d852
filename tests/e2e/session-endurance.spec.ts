import { expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from './support/chromium'
import { fakeMicrophoneArgs, makeQuestionWav } from './support/fake-microphone'
import { openSessions, startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'
import { instrumentMediaObjects, mediaCounts, type MediaCounts } from './support/media-counts'

// A kiosk with a working microphone: every session runs the provider's voice chat, which has its own
// AudioContext and microphone track to release.
test.use({
  launchOptions: chromiumLaunchOptions(
    fakeMicrophoneArgs(makeQuestionWav('endurance-silence', 'Hello', 1, 8)),
  ),
})

async function usedHeapBytes(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  await cdp.detach()
  return usedSize
}

/** Samples the avatar <video> every 50 ms and records when it shows no picture (no frame, or black). */
function startFrameSampler(): void {
  const video = document.getElementById('avatar-video') as HTMLVideoElement
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 32
  const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D
  const samples: [number, boolean][] = []
  setInterval(() => {
    let dark = true
    if (video.readyState >= 2 && video.videoWidth > 0) {
      context.clearRect(0, 0, 32, 32)
      context.drawImage(video, 0, 0, 32, 32)
      const data = context.getImageData(0, 0, 32, 32).data
      let sum = 0
      for (let i = 0; i < data.length; i += 4) sum += (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0)
      dark = sum / (32 * 32 * 3) < 8
    }
    samples.push([performance.now(), dark])
  }, 50)
  ;(window as unknown as { __longestDarkMs: () => { longest: number; samples: number } }).__longestDarkMs =
    () => {
      let longest = 0
      let start: number | undefined
      for (const [at, dark] of samples) {
        if (dark && start === undefined) start = at
        if (!dark && start !== undefined) {
          longest = Math.max(longest, at - start)
          start = undefined
        }
      }
      if (start !== undefined) longest = Math.max(longest, (samples.at(-1)?.[0] ?? start) - start)
      return { longest, samples: samples.length }
    }
}

for (const kind of ['heygen', 'liveavatar'] as const) {
  test.describe(`session endurance (${kind})`, () => {
    let kiosk: KioskUnderTest | undefined

    test.afterEach(async () => {
      await kiosk?.stop()
      kiosk = undefined
    })

    test('rotates before a 20 s session limit with no dark gap over 1 s', async ({ page }) => {
      test.setTimeout(120_000)
      kiosk = await startKiosk({ kind, sandbox: { sessionLimitSeconds: 20 } })
      await page.goto(kiosk.host.url)
      const first = await waitForLive(page, 15_000)
      await page.evaluate(startFrameSampler)
      const second = await waitForLive(page, 25_000, first)
      // The rotation happened before the provider's limit: the first session was stopped by us, not cut off.
      const firstSession = kiosk.sandbox.sessions().find((session) => session.id === first)
      expect(firstSession?.state).toBe('closed')
      expect((firstSession?.closedAt ?? 0) - (firstSession?.createdAt ?? 0)).toBeLessThan(20_000)
      await page.waitForTimeout(2_000)
      const { longest, samples } = await page.evaluate(() =>
        (
          window as unknown as { __longestDarkMs: () => { longest: number; samples: number } }
        ).__longestDarkMs(),
      )
      console.log(
        `[rotation] ${kind}: ${first} → ${second}: longest dark gap ${Math.round(longest)} ms over ${samples} samples`,
      )
      expect(samples).toBeGreaterThan(100)
      expect(longest).toBeLessThan(1_000)
      expect(openSessions(kiosk.sandbox)).toEqual([second])
    })

    test('50 forced disconnects in a row: no leaked session, heap or media object', async ({ page }) => {
      test.setTimeout(400_000)
      kiosk = await startKiosk({ kind })
      await page.addInitScript(instrumentMediaObjects)
      await page.goto(kiosk.host.url)
      let id = await waitForLive(page, 15_000)
      let baselineHeap = 0
      let baselineCounts: MediaCounts | undefined
      const started = Date.now()
      for (let round = 1; round <= 50; round += 1) {
        kiosk.sandbox.injectFault({ type: 'disconnect', session: id })
        id = await waitForLive(page, 15_000, id)
        if (round === 5) {
          await page.waitForTimeout(1_000)
          baselineHeap = await usedHeapBytes(page)
          baselineCounts = await mediaCounts(page)
        }
      }
      await page.waitForTimeout(1_500)
      const heap = await usedHeapBytes(page)
      const counts = await mediaCounts(page)
      const sessions = kiosk.sandbox.sessions()
      console.log(
        `[endurance] ${kind}: 50 reconnects in ${Math.round((Date.now() - started) / 1000)} s; heap ${(baselineHeap / 1e6).toFixed(1)} → ${(heap / 1e6).toFixed(1)} MB; ` +
          `media ${JSON.stringify(baselineCounts)} → ${JSON.stringify(counts)}; sessions ${sessions.length}`,
      )
      expect(sessions.length).toBe(51)
      expect(openSessions(kiosk.sandbox)).toEqual([id])
      expect(heap - baselineHeap).toBeLessThan(10 * 1024 * 1024)
      // The last replaced session may still be closing its audio (AudioContext.close() settles later): the
      // counts must come back to the baseline, not be there at one instant.
      await expect
        .poll(
          async () => {
            const now = await mediaCounts(page)
            return (
              now.peerConnections <= baselineCounts!.peerConnections &&
              now.audioContexts <= baselineCounts!.audioContexts &&
              now.mediaStreamTracks <= baselineCounts!.mediaStreamTracks
            )
          },
          { timeout: 5000, intervals: [250] },
        )
        .toBe(true)
      expect(counts.peerConnections).toBeGreaterThan(0)
    })
  })
}
