import { expect, test } from '@playwright/test'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai'
import { chromiumLaunchOptions } from './support/chromium'
import { fakeMicrophoneArgs, makeQuestionWav } from './support/fake-microphone'
import { marks, repeatTexts } from './support/conversation'
import { startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'

/**
 * Issue 5: the visitor speaks (Chromium's fake microphone plays an espeak-ng question), our pipeline transcribes
 * and asks a fake OpenAI-compatible LLM, and the sandbox avatar speaks the answer sentence by sentence.
 */
const QUESTION = 'What time does the restaurant open?'
const questionWav = makeQuestionWav('restaurant-question', QUESTION)
const ANSWER = 'The restaurant opens at seven. Breakfast is served until ten. Enjoy your stay!'
const SENTENCES = ['The restaurant opens at seven.', 'Breakfast is served until ten.', 'Enjoy your stay!']
const GREETING = 'Welcome to the Grand Hotel!'

function llmKiosk(
  llm: FakeOpenAi,
  extra: { llm?: Record<string, unknown>; conversation?: Record<string, unknown> } = {},
) {
  return startKiosk({
    settings: {
      conversation: { mode: 'llm', greeting: GREETING, ...extra.conversation },
      llm: {
        baseUrl: llm.baseUrl,
        apiKey: 'llm-test-key-0123456789',
        systemPrompt: 'You are the Grand Hotel concierge.',
        ...extra.llm,
      },
    },
  })
}

test.use({ launchOptions: chromiumLaunchOptions(fakeMicrophoneArgs(questionWav)) })

test.describe('conversation with our own LLM', () => {
  let kiosk: KioskUnderTest | undefined
  let llm: FakeOpenAi | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    await llm?.close()
    kiosk = llm = undefined
  })

  test('a spoken question is transcribed, asked with history, and answered one REPEAT per sentence, in order', async ({
    page,
  }) => {
    llm = await startFakeOpenAi({ tokensPerSecond: 30, transcript: QUESTION, answer: ANSWER })
    kiosk = await llmKiosk(llm)
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)

    const transcription = await llm.nextRequest('/v1/audio/transcriptions')
    expect(transcription.fields?.model).toBe('whisper-1')
    expect(transcription.files?.file?.data.subarray(0, 4).toString()).toBe('RIFF')
    expect(transcription.apiKey).toBe('llm-test-key-0123456789')

    await expect.poll(() => repeatTexts(kiosk!), { timeout: 20_000 }).toEqual([GREETING, ...SENTENCES])
    const [firstMessages] = llm.chatMessages()
    expect(firstMessages).toEqual([
      { role: 'system', content: 'You are the Grand Hotel concierge.' },
      { role: 'user', content: QUESTION },
    ])
    await expect(page.locator('#caption-visitor')).toHaveText(QUESTION)

    // The fake microphone loops: the second question carries the first exchange as history.
    await expect.poll(() => llm!.chatMessages().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2)
    expect(llm.chatMessages()[1]).toEqual([
      { role: 'system', content: 'You are the Grand Hotel concierge.' },
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: QUESTION },
    ])
  })

  test('the visitor speaking over a long answer interrupts it: LLM stream cancelled, queued sentences dropped', async ({
    page,
  }) => {
    const longAnswer = Array.from(
      { length: 12 },
      (_, i) => `This is sentence number ${i + 1} of a rather long answer.`,
    ).join(' ')
    llm = await startFakeOpenAi({ tokensPerSecond: 12, transcript: QUESTION, answer: longAnswer })
    kiosk = await llmKiosk(llm, { conversation: { greeting: '' } })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    // The first question is answered slowly; the looping microphone asks again while the avatar speaks.
    await expect.poll(() => llm!.chatMessages().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await expect.poll(() => marks(page, 'kiosk:barge-in'), { timeout: 10_000 }).toBeGreaterThan(0)
    const firstChat = llm.requests.find((request) => request.path === '/v1/chat/completions')
    expect(firstChat?.closedBeforeEnd).toBe(true)
    const spokenOfFirstAnswer = repeatTexts(kiosk).filter((text) => text.startsWith('This is sentence'))
    expect(spokenOfFirstAnswer.length).toBeLessThan(24)
  })

  test('a hung LLM makes the avatar say the fallback line', async ({ page }) => {
    llm = await startFakeOpenAi({ transcript: QUESTION, answer: ANSWER, fault: 'hang', faultOn: 'chat' })
    kiosk = await llmKiosk(llm, {
      conversation: { greeting: '', fallbackLine: 'Sorry, one moment please, could you ask again?' },
      llm: { timeouts: { transcriptionMs: 5000, firstTokenMs: 1500, totalMs: 5000 } },
    })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    await expect
      .poll(() => repeatTexts(kiosk!), { timeout: 20_000 })
      .toContain('Sorry, one moment please, could you ask again?')
    expect(repeatTexts(kiosk)).not.toContain(SENTENCES[0])
  })

  test('a tap on the screen interrupts the avatar and cancels the answer', async ({ page }) => {
    const longAnswer = Array.from(
      { length: 10 },
      (_, i) => `Here is detail number ${i + 1} about our spa.`,
    ).join(' ')
    llm = await startFakeOpenAi({ tokensPerSecond: 8, transcript: QUESTION, answer: longAnswer })
    kiosk = await llmKiosk(llm, { conversation: { greeting: '' } })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    await expect(page.locator('html')).toHaveAttribute('data-avatar-talking', 'true', { timeout: 30_000 })
    await page.mouse.click(200, 200)
    await expect.poll(() => marks(page, 'kiosk:barge-in'), { timeout: 5_000 }).toBeGreaterThan(0)
    await expect(page.locator('html')).toHaveAttribute('data-avatar-talking', 'false', { timeout: 5_000 })
    await expect
      .poll(() => llm!.requests.find((r) => r.path === '/v1/chat/completions')?.closedBeforeEnd)
      .toBe(true)
  })
})

test.describe('conversation in provider mode', () => {
  let kiosk: KioskUnderTest | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    kiosk = undefined
  })

  test('voice chat streams the microphone to the provider, which hears the visitor', async ({ page }) => {
    kiosk = await startKiosk({ settings: { conversation: { mode: 'provider', greeting: GREETING } } })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    await expect.poll(() => repeatTexts(kiosk!), { timeout: 10_000 }).toContain(GREETING)
    // The SDK's WebSocket voice chat (protobuf frames, eval-free under our CSP) carries our microphone to the
    // provider, whose voice detection reports the visitor speaking.
    await expect(page.locator('html')).toHaveAttribute('data-visitor-speaking', 'true', { timeout: 20_000 })
    await expect(page.locator('#visitor-hint')).toBeHidden()
  })

  test('push-to-talk: holding the button is the visitor’s turn, on the LiveKit transport', async ({
    page,
  }) => {
    kiosk = await startKiosk({
      settings: {
        avatar: { transport: 'livekit', pushToTalk: true },
        conversation: { mode: 'provider', greeting: '' },
      },
    })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    const button = page.getByRole('button', { name: 'Hold to talk' })
    await expect(button).toBeVisible({ timeout: 10_000 })
    const box = await button.boundingBox()
    await page.mouse.move((box?.x ?? 0) + 10, (box?.y ?? 0) + 10)
    await page.mouse.down()
    await expect(page.locator('html')).toHaveAttribute('data-visitor-speaking', 'true', { timeout: 5_000 })
    await page.mouse.up()
    await expect(page.locator('html')).toHaveAttribute('data-visitor-speaking', 'false', { timeout: 5_000 })
  })

  test('the optional mute button toggles the microphone', async ({ page }) => {
    kiosk = await startKiosk({
      settings: { conversation: { mode: 'provider', greeting: '', muteButton: true } },
    })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 15_000)
    await page.getByRole('button', { name: 'Mute microphone' }).click()
    await expect(page.getByRole('button', { name: 'Unmute microphone' })).toHaveAttribute(
      'data-muted',
      'true',
    )
    await page.getByRole('button', { name: 'Unmute microphone' }).click()
    await expect(page.getByRole('button', { name: 'Mute microphone' })).toHaveAttribute('data-muted', 'false')
  })
})
