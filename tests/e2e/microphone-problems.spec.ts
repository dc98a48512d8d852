import { expect, test } from '@playwright/test'
import { startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'
import { instrumentMediaObjects, mediaCounts } from './support/media-counts'

/** No fake microphone and no permission: getUserMedia is refused, as on a kiosk whose operator blocked it. */
test.describe('microphone problems', () => {
  let kiosk: KioskUnderTest | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    kiosk = undefined
  })

  test('our-own-LLM mode: a denied microphone is explained, the text box is offered, and nothing throws', async ({
    page,
  }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    kiosk = await startKiosk({ settings: { conversation: { mode: 'llm', greeting: '' } } })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    await expect(page.locator('#visitor-hint')).toContainText(/microphone/i, { timeout: 10_000 })
    await expect(page.getByLabel('Your question')).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('data-microphone', 'unavailable')
    expect(errors).toEqual([])
  })

  test('provider mode: every reconnect retries the microphone without leaking audio contexts', async ({
    page,
  }) => {
    await page.addInitScript(instrumentMediaObjects)
    kiosk = await startKiosk({ settings: { conversation: { mode: 'provider', greeting: '' } } })
    await page.goto(kiosk.host.url)
    let id = await waitForLive(page, 15_000)
    await expect(page.locator('#visitor-hint')).toContainText(/microphone/i, { timeout: 10_000 })
    const open = async () => (await mediaCounts(page)).audioContexts
    const before = await open()
    for (let round = 0; round < 5; round += 1) {
      kiosk.sandbox.injectFault({ type: 'disconnect', session: id })
      id = await waitForLive(page, 15_000, id)
    }
    await page.waitForTimeout(500)
    expect(await open()).toBeLessThanOrEqual(before)
  })

  test('provider mode: without a microphone, a typed question is answered by the provider through TALK', async ({
    page,
  }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    kiosk = await startKiosk({
      settings: {
        avatar: { knowledgeBase: 'The Grand Hotel restaurant opens at seven in the morning.' },
        conversation: { mode: 'provider', greeting: '' },
      },
    })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    await expect(page.locator('#visitor-hint')).toContainText(/microphone/i, { timeout: 10_000 })
    await page.getByLabel('Your question').fill('When does the restaurant open?')
    await page.getByRole('button', { name: 'Ask' }).click()
    await expect
      .poll(
        () =>
          kiosk!.sandbox
            .sessions()
            .flatMap((session) => session.tasks)
            .filter((task) => task.type === 'talk')
            .map((task) => task.text),
        { timeout: 10_000 },
      )
      .toEqual(['When does the restaurant open?'])
    await expect(page.locator('#caption-visitor')).toHaveText('When does the restaurant open?')
    // The provider answers from its knowledge base, word by word (avatar_talking_message).
    await expect(page.locator('#caption-avatar')).toContainText(/opens at seven/i, { timeout: 15_000 })
    expect(errors).toEqual([])
  })
})
