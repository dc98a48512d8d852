import { expect, test } from '@playwright/test'
import { openSessions, sessionState, startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'

/**
 * Issue 4: an avatar that never goes dark. The kiosk runs through the web host against a sandbox on its own
 * port, so every failure can be injected and every session counted. Issue 9: the same for LiveAvatar, whose SDK
 * never reconnects by itself, so every drop must give a fresh token and a fresh session.
 */
const KINDS = {
  heygen: { sessionStartPath: '/v1/streaming.new' },
  liveavatar: { sessionStartPath: '/v1/sessions/start' },
} as const

for (const [kind, protocol] of Object.entries(KINDS) as [
  keyof typeof KINDS,
  (typeof KINDS)[keyof typeof KINDS],
][]) {
  test.describe(`session lifecycle (${kind})`, () => {
    let kiosk: KioskUnderTest | undefined

    test.afterEach(async () => {
      await kiosk?.stop()
      kiosk = undefined
    })

    test('starts live within 10 s', async ({ page }) => {
      kiosk = await startKiosk({ kind })
      const started = Date.now()
      await page.goto(kiosk.host.url)
      const id = await waitForLive(page, 10_000)
      console.log(`[session] ${kind}: live after ${Date.now() - started} ms`)
      expect(openSessions(kiosk.sandbox)).toEqual([id])
      expect(kiosk.sandbox.sessions().find((session) => session.id === id)?.protocol).toBe(kind)
      await expect(page.locator('#avatar-video')).toHaveJSProperty('paused', false)
    })

    test('comes back within 3 s on a new session after a LiveKit leave, and the old one is closed', async ({
      page,
    }) => {
      kiosk = await startKiosk({ kind })
      await page.goto(kiosk.host.url)
      const first = await waitForLive(page, 15_000)
      const dropped = Date.now()
      kiosk.sandbox.injectFault({ type: 'disconnect', session: first })
      const second = await waitForLive(page, 3_000, first)
      console.log(`[session] ${kind}: live again after ${Date.now() - dropped} ms`)
      expect(second).not.toBe(first)
      expect(kiosk.sandbox.sessions().find((session) => session.id === first)?.state).toBe('closed')
      expect(openSessions(kiosk.sandbox)).toEqual([second])
    })

    test(`shows the failed screen when ${protocol.sessionStartPath} fails three times, then recovers`, async ({
      page,
    }) => {
      kiosk = await startKiosk({ kind })
      kiosk.sandbox.injectFault({ type: 'rest', path: protocol.sessionStartPath, status: 500, times: 3 })
      await page.goto(kiosk.host.url)
      await expect(page.locator('html')).toHaveAttribute('data-session-state', 'failed', { timeout: 15_000 })
      await expect(page.locator('#stage-status-title')).toHaveText('We’ll be right back')
      await expect(page.locator('#stage-status-detail')).toContainText(/Trying again/)
      await waitForLive(page, 20_000)
      await expect(page.locator('#stage-status')).toBeHidden()
    })

    test('waits while the provider is down and recovers by itself when it is back', async ({ page }) => {
      kiosk = await startKiosk({ kind })
      await page.goto(kiosk.host.url)
      const first = await waitForLive(page, 15_000)
      await kiosk.sandbox.close()
      await expect
        .poll(async () => (await sessionState(page)).state, { timeout: 15_000 })
        .toMatch(/^(reconnecting|failed)$/)
      await page.waitForTimeout(4_000)
      expect((await sessionState(page)).state).toMatch(/^(reconnecting|failed)$/)
      const sandbox = await kiosk.restartSandbox()
      const second = await waitForLive(page, 45_000, first)
      expect(openSessions(sandbox)).toEqual([second])
    })

    for (const how of ['page closed', 'web host stopped'] as const) {
      test(`leaves no session open in the sandbox when the ${how}`, async ({ page }) => {
        kiosk = await startKiosk({ kind })
        await page.goto(kiosk.host.url)
        const id = await waitForLive(page, 15_000)
        expect(openSessions(kiosk.sandbox)).toEqual([id])
        const closedAt = Date.now()
        if (how === 'page closed') await page.close()
        else await kiosk.host.stop()
        // A closed page's event stream counts as gone after the web host's 5 s grace (a blip reconnects).
        await expect
          .poll(() => openSessions(kiosk!.sandbox), { timeout: 10_000, intervals: [100] })
          .toEqual([])
        console.log(`[session] ${kind}, ${how}: 0 open sessions after ${Date.now() - closedAt} ms`)
      })
    }

    if (kind === 'liveavatar') {
      test('comes back within 3 s on a new session after the provider ends the session (session.stopped)', async ({
        page,
      }) => {
        kiosk = await startKiosk({ kind })
        await page.goto(kiosk.host.url)
        const first = await waitForLive(page, 15_000)
        const stopped = Date.now()
        kiosk.sandbox.injectFault({ type: 'server-stop', session: first })
        const second = await waitForLive(page, 3_000, first)
        console.log(`[session] ${kind}: live again ${Date.now() - stopped} ms after session.stopped`)
        expect(kiosk.sandbox.sessions().find((session) => session.id === first)?.state).toBe('closed')
        expect(openSessions(kiosk.sandbox)).toEqual([second])
      })
    }
  })
}
