import { expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../support/chromium'
import { fakeMicrophoneArgs, makeQuestionWav } from '../support/fake-microphone'
import { buildHarness, serveStatic, type StaticServer } from '../support/harness'
import { HEARD_QUESTION, startSandbox, type Sandbox, type SessionSnapshot } from '../../../src/sandbox/index'
import type { HarnessEvent, LiveAvatarStartOptions } from './liveavatar-harness/api'

/**
 * The visitor's voice in LiveAvatar FULL mode, with the real SDK's voice chat publishing Chromium's fake
 * microphone (a spoken question between silences) into the sandbox's room: the sandbox must notice the speech
 * from the Opus RTP alone and answer; without a published microphone nothing may answer on its own.
 */

const API_KEY = 'e2e-liveavatar-voice-key'
const questionWav = makeQuestionWav('liveavatar-sandbox-question', 'Where can I get a coffee around here?')
let sandbox: Sandbox
let site: StaticServer

test.describe.configure({ mode: 'serial' })
test.use({ launchOptions: chromiumLaunchOptions(fakeMicrophoneArgs(questionWav)) })

test.beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    apiKey: API_KEY,
    maxConcurrent: 1,
    // SANDBOX_LOG=1 shows the sandbox's side of a failing test.
    ...(process.env.SANDBOX_LOG
      ? { log: (level, msg, ctx) => console.log(`[sandbox] ${level} ${msg} ${JSON.stringify(ctx ?? {})}`) }
      : {}),
  })
  site = await serveStatic(await buildHarness('tests/e2e/sandbox/liveavatar-harness', 'liveavatar-voice'))
})

test.afterAll(async () => {
  await site?.close()
  await sandbox?.close()
  expect(sandbox.childPids()).toEqual([])
})

test.afterEach(async () => {
  for (const session of sandbox.sessions().filter((s) => s.state === 'open')) {
    await fetch(`${sandbox.baseUrl}/v1/sessions/stop`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: session.id }),
    })
  }
})

async function startFull(
  page: Page,
  voiceChat: LiveAvatarStartOptions['voiceChat'],
  tokenExtras: Record<string, unknown> = {},
): Promise<string> {
  const response = await fetch(`${sandbox.baseUrl}/v1/sessions/token`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      mode: 'FULL',
      avatar_id: 'any-avatar',
      avatar_persona: { context_id: 'sandbox-context' },
      ...tokenExtras,
    }),
  })
  const token = ((await response.json()) as { data: { session_token: string } }).data.session_token
  page.on('pageerror', (error) => console.error('[harness]', error.message))
  await page.goto(site.url)
  await page.waitForFunction(() => window.liveAvatarHarness !== undefined)
  const started = await page.evaluate((opts) => window.liveAvatarHarness.start(opts), {
    apiUrl: sandbox.baseUrl,
    token,
    ...(voiceChat === undefined ? {} : { voiceChat }),
  })
  expect(started).toMatchObject({ ok: true, state: 'CONNECTED' })
  return started.sessionId!
}

const events = (page: Page): Promise<HarnessEvent[]> => page.evaluate(() => window.liveAvatarHarness.events())
const snapshot = (id: string): SessionSnapshot => sandbox.sessions().find((s) => s.id === id)!

test('a spoken question on the published microphone gives the user events and an answer', async ({
  page,
}) => {
  const id = await startFull(page, true)
  await expect.poll(() => snapshot(id).microphonePublished).toBe(true)
  const transcription = await page.evaluate(() =>
    window.liveAvatarHarness.waitForEvent('user.transcription', 0, 25_000),
  )
  expect((transcription.detail as { text: string }).text).toBe(HEARD_QUESTION)
  const types = (await events(page)).map((event) => event.type)
  expect(types.indexOf('user.speak_started')).toBeGreaterThanOrEqual(0)
  expect(types.indexOf('user.speak_ended')).toBeGreaterThan(types.indexOf('user.speak_started'))
  await page.evaluate(() => window.liveAvatarHarness.waitForEvent('avatar.speak_started', 0, 10_000))
  expect(snapshot(id).tasks.map((task) => task.type)).toContain('talk')
})

test('without a published microphone nothing answers on its own', async ({ page }) => {
  const id = await startFull(page, undefined)
  await page.waitForTimeout(8000)
  const types = (await events(page)).map((event) => event.type)
  expect(types.filter((type) => type.startsWith('user.') || type.startsWith('avatar.'))).toEqual([])
  expect(snapshot(id)).toMatchObject({ microphonePublished: false, tasks: [] })
})

test('push-to-talk: the SDK gets its answers, and the held button bounds the visitor’s turn', async ({
  page,
}) => {
  const id = await startFull(
    page,
    { mode: 'PUSH_TO_TALK', defaultMuted: true },
    {
      interactivity_type: 'PUSH_TO_TALK',
    },
  )
  await page.evaluate(() => window.liveAvatarHarness.startPushToTalk())
  // Long enough for the looping question (1.5 s of silence, then speech) to be heard.
  await page.waitForTimeout(4000)
  await page.evaluate(() => window.liveAvatarHarness.stopPushToTalk())
  const transcription = await page.evaluate(() =>
    window.liveAvatarHarness.waitForEvent('user.transcription', 0, 5_000),
  )
  expect((transcription.detail as { text: string }).text).toBe(HEARD_QUESTION)
  await expect.poll(() => snapshot(id).tasks.map((task) => task.type)).toContain('talk')
})
