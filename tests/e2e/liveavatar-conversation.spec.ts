import { expect, test, type Browser, type Page } from '@playwright/test'
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai'
import { chromiumLaunchOptions } from './support/chromium'
import { marks, repeatTexts } from './support/conversation'
import { fakeMicrophoneArgs, makeQuestionWav } from './support/fake-microphone'
import { startKiosk, waitForLive, type KioskUnderTest } from './support/kiosk'

/**
 * Issue 9: conversation on LiveAvatar, through the web host, against the sandbox's LiveAvatar front-end with the
 * real `@heygen/liveavatar-web-sdk`. FULL: the provider's own voice chat, or our LLM spoken with `repeat()` and no
 * microphone in the room. LITE: our LLM's sentences become speech in main and reach the avatar as PCM.
 */
const QUESTION = 'Where is the cafe?'
const questionWav = makeQuestionWav('liveavatar-question', QUESTION)
/**
 * Asked again only after a long pause: the fake microphone loops, and an early repeat would barge in on a slowly
 * streamed answer.
 */
const askedRarelyWav = makeQuestionWav('liveavatar-question-rarely', QUESTION, 1.5, 14)
const ANSWER = 'The cafe is on the ground floor. It opens at eight. Enjoy your coffee!'
const SENTENCES = ['The cafe is on the ground floor.', 'It opens at eight.', 'Enjoy your coffee!']
const LLM_KEY = 'llm-test-key-0123456789'

test.use({ launchOptions: chromiumLaunchOptions(fakeMicrophoneArgs(questionWav)) })

function liveAvatarSession(kiosk: KioskUnderTest, id: string) {
  const session = kiosk.sandbox.sessions().find((candidate) => candidate.id === id)
  if (!session) throw new Error(`no sandbox session ${id}`)
  return session
}

const ownBrowsers: Browser[] = []

/** A second browser whose fake microphone asks the question every ~17 s; closed after each test. */
async function askedRarely(browser: Browser): Promise<Page> {
  const other = await browser.browserType().launch(chromiumLaunchOptions(fakeMicrophoneArgs(askedRarelyWav)))
  ownBrowsers.push(other)
  return other.newPage()
}

test.afterEach(async () => {
  await Promise.all(ownBrowsers.splice(0).map((browser) => browser.close()))
})

function llmSettings(llm: FakeOpenAi, conversation: Record<string, unknown> = {}) {
  return {
    conversation: { mode: 'llm', greeting: '', ...conversation },
    llm: { baseUrl: llm.baseUrl, apiKey: LLM_KEY, systemPrompt: 'You are the hotel concierge.' },
  }
}

test.describe('LiveAvatar FULL', () => {
  let kiosk: KioskUnderTest | undefined
  let llm: FakeOpenAi | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    await llm?.close()
    kiosk = llm = undefined
  })

  test('provider voice chat: the visitor’s spoken question is heard and answered from the context', async ({
    page,
  }) => {
    kiosk = await startKiosk({
      kind: 'liveavatar',
      settings: {
        avatar: { contextId: 'sandbox-context' },
        conversation: { mode: 'provider', greeting: '' },
      },
    })
    await page.goto(kiosk.host.url)
    const id = await waitForLive(page, 10_000)
    expect(liveAvatarSession(kiosk, id)).toMatchObject({ protocol: 'liveavatar', mode: 'FULL' })
    await expect(page.locator('html')).toHaveAttribute('data-visitor-speaking', 'true', { timeout: 20_000 })
    // The provider answers with its own LLM (`talk`), which the kiosk never asked for.
    await expect
      .poll(() => liveAvatarSession(kiosk!, id).tasks.filter((task) => task.type === 'talk').length, {
        timeout: 20_000,
      })
      .toBeGreaterThan(0)
    expect(liveAvatarSession(kiosk, id).microphonePublished).toBe(true)
    await expect(page.locator('#caption-visitor')).not.toBeEmpty()
  })

  test('our own LLM: one repeat() per sentence, and no microphone published to the room', async ({
    page,
  }) => {
    llm = await startFakeOpenAi({ tokensPerSecond: 30, transcript: QUESTION, answer: ANSWER })
    kiosk = await startKiosk({ kind: 'liveavatar', settings: llmSettings(llm) })
    await page.goto(kiosk.host.url)
    const id = await waitForLive(page, 10_000)
    await expect.poll(() => repeatTexts(kiosk!).slice(0, 3), { timeout: 40_000 }).toEqual(SENTENCES)
    expect(llm.chatMessages()[0]).toEqual([
      { role: 'system', content: 'You are the hotel concierge.' },
      { role: 'user', content: QUESTION },
    ])
    const session = liveAvatarSession(kiosk, id)
    expect(session.microphonePublished).toBe(false)
    // LiveAvatar's own LLM never answered: nothing but our sentences was spoken.
    expect(session.tasks.filter((task) => task.type === 'talk')).toEqual([])
  })

  test('barge-in: the visitor speaking over a long answer interrupts it and cancels the LLM', async ({
    page,
  }) => {
    const longAnswer = Array.from(
      { length: 12 },
      (_, i) => `This is sentence number ${i + 1} of a rather long answer.`,
    ).join(' ')
    llm = await startFakeOpenAi({ tokensPerSecond: 12, transcript: QUESTION, answer: longAnswer })
    kiosk = await startKiosk({ kind: 'liveavatar', settings: llmSettings(llm) })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 10_000)
    await expect.poll(() => llm!.chatMessages().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await expect.poll(() => marks(page, 'kiosk:barge-in'), { timeout: 10_000 }).toBeGreaterThan(0)
    const firstChat = llm.requests.find((request) => request.path === '/v1/chat/completions')
    expect(firstChat?.closedBeforeEnd).toBe(true)
    expect(repeatTexts(kiosk).filter((text) => text.startsWith('This is sentence')).length).toBeLessThan(24)
  })
})

test.describe('LiveAvatar LITE', () => {
  let kiosk: KioskUnderTest | undefined
  let llm: FakeOpenAi | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    await llm?.close()
    kiosk = llm = undefined
  })

  test('our LLM’s answer reaches the avatar as speech audio, sentence by sentence, the first before the LLM is done', async ({
    browser,
  }) => {
    const page = await askedRarely(browser)
    // 6 tokens/s: the whole answer takes a few seconds to stream, so the first sentence's audio must come first.
    llm = await startFakeOpenAi({ tokensPerSecond: 6, transcript: QUESTION, answer: ANSWER })
    kiosk = await startKiosk({
      kind: 'liveavatar',
      settings: { provider: { liveavatar: { mode: 'lite' } }, ...llmSettings(llm) },
    })
    await page.goto(kiosk.host.url)
    const id = await waitForLive(page, 10_000)
    expect(liveAvatarSession(kiosk, id)).toMatchObject({ protocol: 'liveavatar', mode: 'LITE' })
    await expect
      .poll(() => liveAvatarSession(kiosk!, id).audioUtterances?.length ?? 0, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(SENTENCES.length)
    const speech = llm.requests.filter((request) => request.path === '/v1/audio/speech')
    expect(speech.slice(0, 3).map((request) => (request.body as { input: string }).input)).toEqual(SENTENCES)
    const chat = llm.requests.find((request) => request.path === '/v1/chat/completions')
    const utterances = liveAvatarSession(kiosk, id).audioUtterances ?? []
    expect(utterances[0]!.samples).toBeGreaterThan(0)
    expect(chat?.completedAt).toBeDefined()
    console.log(
      `[lite] first speech audio at the sandbox ${utterances[0]!.firstChunkAt - (chat?.receivedAt ?? 0)} ms after the ` +
        `chat request; the LLM stream ended after ${(chat?.completedAt ?? 0) - (chat?.receivedAt ?? 0)} ms`,
    )
    expect(utterances[0]!.firstChunkAt).toBeLessThan(chat!.completedAt!)
  })

  test('barge-in stops the speech: interrupt, LLM and speech cancelled', async ({ page }) => {
    const longAnswer = Array.from(
      { length: 12 },
      (_, i) => `This is sentence number ${i + 1} of a rather long answer.`,
    ).join(' ')
    llm = await startFakeOpenAi({ tokensPerSecond: 8, transcript: QUESTION, answer: longAnswer })
    kiosk = await startKiosk({
      kind: 'liveavatar',
      settings: { provider: { liveavatar: { mode: 'lite' } }, ...llmSettings(llm) },
    })
    await page.goto(kiosk.host.url)
    await waitForLive(page, 10_000)
    await expect(page.locator('html')).toHaveAttribute('data-avatar-talking', 'true', { timeout: 30_000 })
    await page.mouse.click(200, 200)
    await expect.poll(() => marks(page, 'kiosk:barge-in'), { timeout: 5_000 }).toBeGreaterThan(0)
    await expect(page.locator('html')).toHaveAttribute('data-avatar-talking', 'false', { timeout: 5_000 })
    await expect
      .poll(() => llm!.requests.find((r) => r.path === '/v1/chat/completions')?.closedBeforeEnd)
      .toBe(true)
  })
})
