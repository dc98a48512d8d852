import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import { startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'

const run = promisify(execFile)
/** LiveAvatar FULL's default rate: the kiosk below runs a FULL session. */
const FULL_RATE = 2

interface PrintedUsage {
  days: { date: string; sessions: number; sessionMinutes: number; estimatedCredits: number }[]
  totals: { sessions: number; sessionMinutes: number; estimatedCredits: number }
}

/**
 * Issue 11, the usage ledger: a session at the sandbox is counted by main from its start to its stop, shown in
 * the admin panel while it runs, and printed by `npm run -s usage` once the kiosk has shut down.
 */
test.describe.serial('usage ledger', () => {
  let kiosk: KioskUnderTest
  let page: Page

  test.beforeAll(async ({ browser }) => {
    kiosk = await startKiosk({
      kind: 'liveavatar',
      settings: { attract: { enabled: false }, budget: { dailyMinutes: 30 } },
    })
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  })
  test.afterAll(async () => {
    await page?.close()
    await kiosk?.stop()
  })

  test('the admin panel shows the running session in today’s figures and the budget', async () => {
    await page.goto(kiosk.host.url)
    await waitForLive(page, 20_000)
    await page.waitForTimeout(3_000) // some minutes to count: 0.05 of one
    await page.keyboard.press('Control+Shift+A')
    const usage = page.getByRole('region', { name: 'Usage and cost' })
    await expect(usage).toBeVisible()
    const today = usage.locator('tr[data-span="today"]')
    await expect(today.locator('[data-figure="sessions"]')).toHaveText('1')
    await expect(usage.locator('tr[data-span="30"] [data-figure="sessions"]')).toHaveText('1')
    const minutes = Number(await today.locator('[data-figure="sessionMinutes"]').textContent())
    expect(minutes).toBeGreaterThan(0)
    expect(minutes).toBeLessThan(2)
    const credits = Number(await today.locator('[data-figure="estimatedCredits"]').textContent())
    expect(credits).toBeCloseTo(minutes * FULL_RATE, 1)
    await expect(usage.locator('.usage__budget')).toHaveText(/^Daily budget: [\d.]+ of 30 minutes used$/)
    await expect(usage.locator('.usage__bar')).toHaveCount(30)
    await expect(usage.locator('.usage__errors')).toHaveText('No errors.')
  })

  test('npm run -s usage prints the session once the kiosk has shut down', async () => {
    // Shutdown stops the session at the provider and writes its end to the ledger.
    await kiosk.host.stop()
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'usage', '--', '--data-dir', kiosk.dataDir, '--days', '2'],
      {
        timeout: 30_000,
      },
    )
    const printed = JSON.parse(stdout) as PrintedUsage
    test.info().annotations.push({ type: 'usage totals', description: JSON.stringify(printed.totals) })
    expect(printed.days).toHaveLength(2)
    expect(printed.totals.sessions).toBe(1)
    expect(printed.totals.sessionMinutes).toBeGreaterThan(0.05)
    expect(printed.totals.sessionMinutes).toBeLessThan(2)
    // Each figure is rounded to 2 decimals on its own.
    expect(
      Math.abs(printed.totals.estimatedCredits - printed.totals.sessionMinutes * FULL_RATE),
    ).toBeLessThanOrEqual(0.011)
    expect(printed.days.at(-1)?.sessions).toBe(1)
  })
})
