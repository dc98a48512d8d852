import { createServer } from 'node:net'
import { expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from './support/chromium'
import { fakeMicrophoneArgs, makeQuestionWav } from './support/fake-microphone'
import { startKiosk, type KioskUnderTest } from './support/kiosk'

/**
 * Issue 11, section 4: "Check this kiosk" in Chromium. The LLM points at a closed port on this computer, so its
 * line must fail with its fix; the provider (the sandbox, with its key) must pass; the fake microphone plays
 * speech, so the meter must see a level; headless Chromium draws WebGL with SwiftShader, a software renderer.
 */
const PIN = '482913'
const LLM_KEY = 'llm-diagnostics-e2e-key-0123456789'
const micWav = makeQuestionWav('diagnostics-mic', 'Testing the microphone, one two three.', 0.3, 0.5)

test.use({
  launchOptions: chromiumLaunchOptions([...fakeMicrophoneArgs(micWav), '--enable-unsafe-swiftshader']),
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function line(page: Page, id: string) {
  return page.locator(`.diag-line[data-check="${id}"]`)
}

test.describe('check this kiosk', () => {
  let kiosk: KioskUnderTest | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    kiosk = undefined
  })

  test('every line shows pass, warn or fail; an unreachable LLM fails with its fix', async ({ page }) => {
    kiosk = await startKiosk({
      settings: {
        llm: { baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, apiKey: LLM_KEY },
        admin: { pin: PIN },
      },
    })
    await page.goto(kiosk.host.url)
    await page.keyboard.press('Control+Shift+A')
    await page.getByLabel('Admin PIN', { exact: true }).fill(PIN)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('button', { name: 'Check this kiosk' }).click()

    const ids = ['microphone', 'speaker', 'webgl', 'versions', 'disk', 'provider', 'llm', 'say']
    await expect(page.locator('.diag-line')).toHaveCount(ids.length)
    for (const id of ids) {
      await expect(line(page, id)).toHaveAttribute('data-status', /^(pass|warn|fail)$/, { timeout: 10_000 })
    }

    await expect(line(page, 'llm')).toHaveAttribute('data-status', 'fail')
    await expect(line(page, 'llm').locator('.diag-line__fix')).toHaveText(
      'Check the LLM URL in Conversation, and that this computer reaches it.',
    )
    await expect(line(page, 'provider')).toHaveAttribute('data-status', 'pass')
    await expect(line(page, 'provider')).toContainText(/HTTP 200 in \d+ ms/)
    await expect(line(page, 'webgl')).toHaveAttribute('data-status', 'warn')
    await expect(line(page, 'webgl')).toContainText(/SwiftShader/i)
    await expect(line(page, 'webgl').locator('.diag-line__fix')).toContainText('without its graphics card')
    await expect(line(page, 'microphone')).toHaveAttribute('data-status', 'pass')
    await expect(line(page, 'versions')).toContainText(/App \d+\.\d+\.\d+/)
    // Every warn or fail says what to do.
    for (const id of ids) {
      const status = await line(page, id).getAttribute('data-status')
      if (status !== 'pass') await expect(line(page, id).locator('.diag-line__fix')).not.toBeEmpty()
    }

    // The speaker test: a tone, then the operator's answer.
    await line(page, 'speaker').getByRole('button', { name: 'Play a tone' }).click()
    await line(page, 'speaker').getByRole('button', { name: 'I heard it' }).click()
    await expect(line(page, 'speaker')).toHaveAttribute('data-status', 'pass')

    // "Run again" asks main again: a provider failing now shows as a fail line.
    kiosk.sandbox.injectFault({ type: 'rest', path: '/v1/streaming.list', status: 500, times: 1 })
    await page.getByRole('button', { name: 'Run again' }).click()
    await expect(line(page, 'provider')).toHaveAttribute('data-status', 'fail')
    await expect(line(page, 'provider')).toContainText('HTTP 500')

    expect(await page.content()).not.toContain(LLM_KEY)
    await page.getByRole('button', { name: 'Close the checks' }).click()
    await expect(page.locator('.diag__body')).toBeHidden()
  })
})
