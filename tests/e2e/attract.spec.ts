import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { chromium, expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from './support/chromium'
import { repeatTexts } from './support/conversation'
import { fakeMicrophoneArgs, makeQuestionWav } from './support/fake-microphone'
import { openSessions, startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'
import { watchWake } from './support/wake-timing'

/**
 * Issue 11, attract mode: a kiosk that sleeps with no session open while nobody is there, and wakes on a touch
 * or a voice. The idle time is the shortest allowed (5 s) so each visit is quick.
 */
const GREETING = 'Welcome to the Grand Hotel!'
const GOODBYE = 'Goodbye!'

function attractKiosk(wake: { touch: boolean; voice: boolean }) {
  return startKiosk({
    settings: {
      attract: { enabled: true, idleSeconds: 5, goodbye: GOODBYE, wake: { ...wake, camera: false } },
      conversation: { mode: 'provider', greeting: GREETING },
    },
  })
}

async function expectAsleep(page: Page, kiosk: KioskUnderTest, timeout: number): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-attract', 'on', { timeout })
  await expect(page.locator('html')).toHaveAttribute('data-presence-state', 'attract')
  await expect.poll(() => openSessions(kiosk.sandbox), { timeout: 3_000, intervals: [100] }).toEqual([])
}

function tapCenter(page: Page): Promise<void> {
  return page.mouse.click(640, 360)
}

test.describe.serial('attract mode (touch)', () => {
  let kiosk: KioskUnderTest
  let page: Page

  test.beforeAll(async ({ browser }) => {
    kiosk = await attractKiosk({ touch: true, voice: false })
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  })
  test.afterAll(async () => {
    await page?.close()
    await kiosk?.stop()
  })

  test('starts on the attract screen with no session; a tap gives a live avatar that greets; asleep with 0 sessions open within 10 s of the last input', async () => {
    await page.goto(kiosk.host.url)
    await expect(page.locator('html')).toHaveAttribute('data-presence-state', 'attract')
    await expect(page.locator('html')).toHaveAttribute('data-attract', 'on')
    await page.waitForTimeout(1_000)
    expect(kiosk.sandbox.sessions()).toEqual([])

    const timing = await watchWake(page)
    await tapCenter(page)
    // Generous: a loaded 2-core machine has taken 12 s to connect; the figure printed below is the real one.
    await waitForLive(page, 30_000)
    await expect(page.locator('html')).toHaveAttribute('data-attract', 'off')
    await expect.poll(() => repeatTexts(kiosk), { timeout: 10_000 }).toContain(GREETING)
    const wake = await timing()
    const firstFrameMs = Math.round(wake.firstFrameAt - wake.wakeAt)
    const greetingAudioMs = Math.round(wake.greetingAudioAt - wake.wakeAt)
    console.log(`[attract] wake → first frame ${firstFrameMs} ms, → greeting audio ${greetingAudioMs} ms`)
    expect(firstFrameMs).toBeGreaterThan(0)
    expect(greetingAudioMs).toBeGreaterThan(0)

    // The visitor's last input; then nobody: goodbye, the session ends at the provider, the attract screen.
    await tapCenter(page)
    const lastInput = Date.now()
    await expectAsleep(page, kiosk, 10_000)
    const asleepAfter = Date.now() - lastInput
    console.log(`[attract] asleep with 0 sessions open ${asleepAfter} ms after the last input`)
    expect(asleepAfter).toBeLessThan(10_000)
    expect(repeatTexts(kiosk).at(-1)).toBe(GOODBYE)
    expect(kiosk.sandbox.sessions().map((session) => session.state)).toEqual(['closed'])
  })

  test('three visitors cost three short sessions, not one long one', async () => {
    test.setTimeout(150_000)
    const before = kiosk.sandbox.sessions().length
    const started = Date.now()
    for (let visitor = 0; visitor < 3; visitor += 1) {
      await tapCenter(page)
      await waitForLive(page, 30_000)
      await expectAsleep(page, kiosk, 15_000)
      await page.waitForTimeout(500)
    }
    const visits = kiosk.sandbox.sessions().slice(before)
    const minutes = visits.map((session) => ((session.closedAt ?? Date.now()) - session.createdAt) / 60_000)
    console.log(
      `[attract] three visitors in ${Math.round((Date.now() - started) / 1000)} s: sessions of ${minutes
        .map((value) => `${(value * 60).toFixed(1)} s`)
        .join(', ')}`,
    )
    expect(visits).toHaveLength(3)
    expect(visits.every((session) => session.state === 'closed')).toBe(true)
    for (const duration of minutes) expect(duration * 60).toBeLessThan(45)
    expect(new Set(visits.map((session) => session.id)).size).toBe(3)

    // The operator's view of the same hour: `npm run -s usage` counts every session, each a few seconds long.
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'usage', '--', '--data-dir', kiosk.dataDir, '--days', '1'],
      { timeout: 30_000 },
    )
    const printed = JSON.parse(stdout) as { totals: { sessions: number; sessionMinutes: number } }
    console.log(`[attract] npm run -s usage: ${JSON.stringify(printed.totals)}`)
    expect(printed.totals.sessions).toBe(kiosk.sandbox.sessions().length)
    expect(printed.totals.sessionMinutes).toBeGreaterThan(0)
    expect(printed.totals.sessionMinutes).toBeLessThan(kiosk.sandbox.sessions().length * 0.75)
  })
})

test.describe('attract mode (voice)', () => {
  test('a spoken "hello" on the fake microphone wakes it, with no session open before', async () => {
    // The VAD's model and runtime load first; on a loaded 2-core machine that alone has taken 20 s.
    test.setTimeout(150_000)
    const hello = makeQuestionWav('attract-hello', 'Hello there!', 2, 10)
    const browser = await chromium.launch(chromiumLaunchOptions(fakeMicrophoneArgs(hello)))
    const kiosk = await attractKiosk({ touch: false, voice: true })
    try {
      const page = await browser.newPage()
      await page.goto(kiosk.host.url)
      await expect(page.locator('html')).toHaveAttribute('data-presence-state', 'attract')
      expect(kiosk.sandbox.sessions()).toEqual([])
      const timing = await watchWake(page, 90_000)
      await waitForLive(page, 90_000)
      await expect.poll(() => repeatTexts(kiosk), { timeout: 10_000 }).toContain(GREETING)
      const wake = await timing()
      console.log(
        `[attract] voice wake → first frame ${Math.round(wake.firstFrameAt - wake.wakeAt)} ms, → greeting audio ${Math.round(wake.greetingAudioAt - wake.wakeAt)} ms`,
      )
      expect(wake.wakeAt).toBeGreaterThan(0)
      expect(kiosk.sandbox.sessions()).toHaveLength(1)
    } finally {
      await browser.close()
      await kiosk.stop()
    }
  })
})
