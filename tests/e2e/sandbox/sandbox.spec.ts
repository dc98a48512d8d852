import { execFileSync } from 'node:child_process'
import { chromium, expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../support/chromium'
import { buildHarness, serveStatic, type StaticServer } from '../support/harness'
import { startSandbox, type Sandbox, type SessionSnapshot } from '../../../src/sandbox/index'
import type { HarnessEvent, HarnessStartOptions, HarnessStartResult } from './harness/api'

/**
 * The real @heygen/streaming-avatar SDK and livekit-client, in Debian's Chromium, against an in-process
 * sandbox on a free loopback port.
 */

const API_KEY = 'e2e-key'
let sandbox: Sandbox
let site: StaticServer

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY, maxConcurrent: 2 })
  site = await serveStatic(await buildHarness('tests/e2e/sandbox/harness', 'sandbox-sdk'))
})

test.afterAll(async () => {
  await site?.close()
  await sandbox?.close()
  expect(sandbox.childPids()).toEqual([])
})

test.afterEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'DELETE' })
  for (const session of sandbox.sessions().filter((s) => s.state === 'open')) {
    await fetch(`${sandbox.baseUrl}/v1/streaming.stop`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: JSON.stringify({ session_id: session.id }),
    })
  }
})

async function openHarness(page: Page): Promise<void> {
  page.on('pageerror', (error) => console.error('[harness]', error.message))
  await page.goto(site.url)
  await page.waitForFunction(() => window.sandboxHarness !== undefined)
}

function start(page: Page, options: Partial<HarnessStartOptions> = {}): Promise<HarnessStartResult> {
  return page.evaluate((opts) => window.sandboxHarness.start(opts), {
    baseUrl: sandbox.baseUrl,
    apiKey: API_KEY,
    ...options,
  })
}

async function events(page: Page): Promise<HarnessEvent[]> {
  return page.evaluate(() => window.sandboxHarness.events())
}

function session(id: string): SessionSnapshot | undefined {
  return sandbox.sessions().find((entry) => entry.id === id)
}

async function waitForVideo(page: Page, width: number, height: number): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => [
        document.querySelector('video')!.videoWidth,
        document.querySelector('video')!.videoHeight,
      ]),
    )
    .toEqual([width, height])
}

test('createStartAvatar reaches STREAM_READY within 10 s, with the character on key green at 720p', async ({
  page,
}) => {
  await openHarness(page)
  const started = await start(page, { quality: 'high' })
  expect(started.readyMs).toBeLessThan(10_000)
  expect(session(started.sessionId)).toMatchObject({ state: 'open', quality: 'high', transport: 'websocket' })
  await waitForVideo(page, 1280, 720)
  // Sample a few frames over a second: the background must stay key green, the middle must not.
  for (let i = 0; i < 3; i++) {
    const stats = await page.evaluate(() => window.sandboxHarness.frameStats())
    expect(stats.borderGreen).toBeGreaterThan(0.85)
    expect(stats.green).toBeGreaterThan(0.6)
    expect(stats.centerNonGreen).toBeGreaterThan(0.9)
    await page.waitForTimeout(400)
  }
  await page.evaluate(() => window.sandboxHarness.stop())
  await expect.poll(() => session(started.sessionId)?.state).toBe('closed')
  await page.evaluate(() => window.sandboxHarness.waitForEvent('stream_disconnected'))
})

test('a repeat task emits the talking events in order, and the audio gets loud, then quiet', async ({
  page,
}) => {
  await openHarness(page)
  const started = await start(page, { quality: 'low' })
  await waitForVideo(page, 640, 360)
  await page.waitForTimeout(500)
  const idle = await page.evaluate(() => window.sandboxHarness.audioLevel())
  const before = await page.evaluate(() => window.sandboxHarness.now())
  const text = 'Welcome to the museum. The exhibition is on the second floor.'
  const reply = (await page.evaluate((t) => window.sandboxHarness.speak(t, 'repeat', 'sync'), text)) as {
    task_id: string
    duration_ms: number
  }
  expect(reply.duration_ms).toBeGreaterThan(1000)
  const stop = await page.evaluate(
    (index) => window.sandboxHarness.waitForEvent('avatar_stop_talking', index),
    0,
  )
  const peak = await page.evaluate((since) => window.sandboxHarness.audioPeak(since), before)
  expect(peak).toBeGreaterThan(0.02)
  expect(peak).toBeGreaterThan(idle * 10)

  const talking = (await events(page)).filter((event) => event.type.startsWith('avatar_'))
  const types = talking.map((event) => event.type)
  expect(types[0]).toBe('avatar_start_talking')
  expect(types.at(-2)).toBe('avatar_end_message')
  expect(types.at(-1)).toBe('avatar_stop_talking')
  const words = talking.filter((event) => event.type === 'avatar_talking_message')
  expect(words.map((event) => (event.detail as { message: string }).message).join('')).toBe(text)
  for (const event of talking) expect(event.detail).toMatchObject({ task_id: reply.task_id })
  expect(stop.detail).toMatchObject({ task_id: reply.task_id, duration_ms: reply.duration_ms })
  // Words stream while the avatar speaks, not all at once.
  expect(words.at(-1)!.at - words[0]!.at).toBeGreaterThan(reply.duration_ms * 0.4)

  await page.waitForTimeout(1000)
  const after = await page.evaluate(() => window.sandboxHarness.audioLevel())
  expect(after).toBeLessThan(peak / 10)
  expect(session(started.sessionId)?.tasks).toEqual([
    { type: 'repeat', text, at: expect.any(Number), startedAt: expect.any(Number) },
  ])
})

test('the mouth moves while the avatar speaks', async ({ page }) => {
  await openHarness(page)
  await start(page, { quality: 'medium' })
  await waitForVideo(page, 854, 480)
  await page.waitForTimeout(500)
  const mouthOpen = async (): Promise<number> =>
    (await page.evaluate(() => window.sandboxHarness.frameStats())).mouthOpen
  const idle: number[] = []
  for (let i = 0; i < 5; i++) {
    idle.push(await mouthOpen())
    await page.waitForTimeout(100)
  }
  expect(Math.max(...idle)).toBeLessThan(0.02)
  await page.evaluate(() =>
    window.sandboxHarness.speak(
      'Open wide and say aaah, then ooh, then a long sentence with many syllables.',
      'repeat',
      'async',
    ),
  )
  await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_start_talking'))
  const talking: number[] = []
  for (let i = 0; i < 15; i++) {
    talking.push(await mouthOpen())
    await page.waitForTimeout(120)
  }
  // Open wide on some frames, less on others: the mouth follows the syllables.
  expect(Math.max(...talking)).toBeGreaterThan(0.15)
  expect(new Set(talking.map((share) => Math.round(share * 20))).size).toBeGreaterThanOrEqual(3)
})

test('interrupt cuts speech short', async ({ page }) => {
  await openHarness(page)
  await start(page, { quality: 'low' })
  const reply = (await page.evaluate(() =>
    window.sandboxHarness.speak(
      'This is a long announcement that should never be heard to the end, because the visitor interrupts it.',
      'repeat',
      'async',
    ),
  )) as { task_id: string; duration_ms: number }
  expect(reply.duration_ms).toBeGreaterThan(4000)
  await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_start_talking'))
  await page.waitForTimeout(1000)
  // The avatar is audibly speaking when interrupted, or the test would prove nothing. On a busy machine the
  // voice reaches the page later than the event, so wait for it rather than sample once.
  await expect
    .poll(() => page.evaluate(() => window.sandboxHarness.audioPeak(window.sandboxHarness.now() - 400)), {
      timeout: 3000,
      intervals: [100],
    })
    .toBeGreaterThan(0.02)
  const interruptedAt = await page.evaluate(() => window.sandboxHarness.now())
  await page.evaluate(() => window.sandboxHarness.interrupt())
  const stop = await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_stop_talking', 0, 5000))
  expect(stop.at - interruptedAt).toBeLessThan(1500)
  const spoken = (stop.detail as { duration_ms: number }).duration_ms
  expect(spoken).toBeLessThan(reply.duration_ms / 2)
  // The voice falls silent within a moment (the audio path adds ~300 ms), long before the text would end.
  await expect
    .poll(() => page.evaluate(() => window.sandboxHarness.audioLevel()), { timeout: 2000, intervals: [100] })
    .toBeLessThan(0.01)
  const silentAt = await page.evaluate(() => window.sandboxHarness.now())
  expect(silentAt - interruptedAt).toBeLessThan(1500)
  await page.waitForTimeout(700)
  expect(await page.evaluate((since) => window.sandboxHarness.audioPeak(since), silentAt)).toBeLessThan(0.01)
  const words = (await events(page)).filter((event) => event.type === 'avatar_talking_message')
  expect(words.length).toBeLessThan(18)
})

test('a LiveKit leave fault makes the SDK emit stream_disconnected', async ({ page }) => {
  await openHarness(page)
  const started = await start(page, { quality: 'low' })
  const response = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ type: 'disconnect', session: started.sessionId }),
  })
  expect(response.status).toBe(200)
  const disconnected = await page.evaluate(() =>
    window.sandboxHarness.waitForEvent('stream_disconnected', 0, 10_000),
  )
  expect(disconnected.type).toBe('stream_disconnected')
  // Like the provider's, the session outlives the dropped connection until it is stopped: it still counts.
  expect(session(started.sessionId)?.state).toBe('open')
  await page.evaluate(() => window.sandboxHarness.stop())
  expect(session(started.sessionId)?.state).toBe('closed')
})

test('the concurrency limit refuses a third session, and a used token cannot start another', async ({
  browser,
}) => {
  const pages = await Promise.all([browser.newPage(), browser.newPage(), browser.newPage()])
  try {
    for (const page of pages) await openHarness(page)
    const first = await start(pages[0]!, { quality: 'low' })
    await start(pages[1]!, { quality: 'low' })
    const refused = await start(pages[2]!, { quality: 'low' }).then(
      () => 'started',
      (error: Error) => error.message,
    )
    expect(refused).toMatch(/status 400/)
    expect(sandbox.sessions().filter((s) => s.state === 'open')).toHaveLength(2)

    const token = await (
      await fetch(`${sandbox.baseUrl}/v1/streaming.create_token`, {
        method: 'POST',
        headers: { 'x-api-key': API_KEY },
      })
    ).json()
    await pages[0]!.evaluate(() => window.sandboxHarness.stop())
    expect(session(first.sessionId)?.state).toBe('closed')
    const reused = await pages[2]!.evaluate(
      async ({ baseUrl, tokenValue }) => {
        const fresh = await window.sandboxHarness.start({ baseUrl, token: tokenValue, quality: 'low' })
        const again = await window.sandboxHarness.start({ baseUrl, token: tokenValue, quality: 'low' }).then(
          () => 'started',
          (error: Error) => error.message,
        )
        return { fresh: fresh.sessionId, again }
      },
      { baseUrl: sandbox.baseUrl, tokenValue: (token as { data: { token: string } }).data.token },
    )
    expect(session(reused.fresh)?.state).toBe('open')
    expect(reused.again).toMatch(/status 401/)
  } finally {
    await Promise.all(pages.map((page) => page.close()))
  }
})

test('activity_idle_timeout ends an idle session with a LiveKit leave', async ({ page }) => {
  await openHarness(page)
  const started = await start(page, { quality: 'low', activityIdleTimeout: 2 })
  const disconnected = await page.evaluate(() =>
    window.sandboxHarness.waitForEvent('stream_disconnected', 0, 10_000),
  )
  const closed = session(started.sessionId)!
  expect(closed.state).toBe('closed')
  expect(closed.closedAt! - closed.createdAt).toBeGreaterThanOrEqual(1900)
  expect(disconnected.detail).toBe(5) // DisconnectReason.ROOM_DELETED
})

test('a visitor’s words reach the SDK as user events, and the provider answers them', async ({ page }) => {
  await openHarness(page)
  const started = await start(page, {
    quality: 'low',
    knowledgeBase: 'You are Mira. The museum opens at nine in the morning.',
  })
  const reply = await fetch(`${sandbox.baseUrl}/__sandbox/sessions/${started.sessionId}/user-says`, {
    method: 'POST',
    body: JSON.stringify({ text: 'When does the museum open?' }),
  })
  expect(await reply.json()).toMatchObject({ answered: true })
  await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_end_message', 0, 15_000))
  const all = await events(page)
  const user = all.filter((event) => event.type.startsWith('user_')).map((event) => event.type)
  expect(user).toEqual(['user_start', 'user_talking_message', 'user_stop', 'user_end_message'])
  expect(all.find((event) => event.type === 'user_end_message')?.detail).toMatchObject({
    event_type: 'user_end_message',
    message: 'When does the museum open?',
  })
  const answer = all
    .filter((event) => event.type === 'avatar_talking_message')
    .map((event) => (event.detail as { message: string }).message)
    .join('')
  expect(answer).toBe('The museum opens at nine in the morning.')
})

test('H.264 sessions stream too', async ({ page }) => {
  const h264 = await startSandbox({ port: 0, codec: 'h264' })
  try {
    await openHarness(page)
    const started = await page.evaluate(
      (baseUrl) => window.sandboxHarness.start({ baseUrl, quality: 'medium' }),
      h264.baseUrl,
    )
    expect(started.readyMs).toBeLessThan(10_000)
    await waitForVideo(page, 854, 480)
    const stats = await page.evaluate(() => window.sandboxHarness.frameStats())
    expect(stats.borderGreen).toBeGreaterThan(0.85)
  } finally {
    await h264.close()
  }
})

test('talk text from the SDK reaches the sandbox over the chat socket (WebSocket transport)', async ({
  page,
}) => {
  await openHarness(page)
  const started = await start(page, { quality: 'low' })
  await page.evaluate(() => window.sandboxHarness.speak('Hello there', 'talk', 'async'))
  await expect
    .poll(() => session(started.sessionId)?.tasks)
    .toEqual([expect.objectContaining({ type: 'talk', text: 'Hello there', at: expect.any(Number) })])
  await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_start_talking'))
})

test('LiveKit transport: talk text goes over a published data channel, visitor events over the room', async ({
  page,
}) => {
  await openHarness(page)
  const started = await start(page, { quality: 'low', voiceChatTransport: 'livekit' })
  expect(session(started.sessionId)?.transport).toBe('livekit')
  // publishData makes livekit-client negotiate its publisher connection with the sandbox first.
  await page.evaluate(() => window.sandboxHarness.speak('What is your name?', 'talk', 'async'))
  await expect
    .poll(() => session(started.sessionId)?.tasks, { timeout: 15_000 })
    .toEqual([expect.objectContaining({ type: 'talk', text: 'What is your name?', at: expect.any(Number) })])
  await page.evaluate(() => window.sandboxHarness.waitForEvent('avatar_end_message', 0, 15_000))
  await fetch(`${sandbox.baseUrl}/__sandbox/sessions/${started.sessionId}/user-says`, {
    method: 'POST',
    body: JSON.stringify({ text: 'Thank you' }),
  })
  const userEnd = await page.evaluate(() => window.sandboxHarness.waitForEvent('user_end_message'))
  expect(userEnd.detail).toMatchObject({ type: 'user_end_message', message: 'Thank you' })
})

/** A microphone that says one sentence between stretches of silence, looped by Chromium's fake capture. */
function fakeMicrophoneWav(path: string): string {
  const speech = `${path}.speech.wav`
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', speech, 'Hello, can you hear me? I have a question.'])
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', speech],
    ...['-af', 'adelay=1500:all=1,apad=pad_dur=2.5', '-ar', '48000', '-ac', '1', path],
  ])
  return path
}

test('voice chat: the microphone drives user_start/user_stop (WebSocket) and counts as voice chat (LiveKit)', async () => {
  const wav = fakeMicrophoneWav(test.info().outputPath('question.wav'))
  const browser = await chromium.launch(
    chromiumLaunchOptions([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
    ]),
  )
  try {
    const page = await browser.newPage()
    await openHarness(page)
    const overChatSocket = await start(page, { quality: 'low' })
    await page.evaluate(() => window.sandboxHarness.startVoiceChat())
    const userStart = await page.evaluate(() => window.sandboxHarness.waitForEvent('user_start', 0, 15_000))
    expect(userStart.detail).toMatchObject({ event_type: 'user_start', task_id: expect.any(String) })
    const userStop = await page.evaluate(() => window.sandboxHarness.waitForEvent('user_stop', 0, 15_000))
    expect((userStop.detail as { task_id: string }).task_id).toBe(
      (userStart.detail as { task_id: string }).task_id,
    )
    await page.evaluate(() => window.sandboxHarness.stop())
    expect(session(overChatSocket.sessionId)?.state).toBe('closed')

    const livekitPage = await browser.newPage()
    await openHarness(livekitPage)
    const overLiveKit = await start(livekitPage, { quality: 'low', voiceChatTransport: 'livekit' })
    await livekitPage.evaluate(() => window.sandboxHarness.speak('Only repeating so far.', 'repeat', 'async'))
    // The SDK publishes the microphone (addTrack, then a publisher offer) and waits 4 s before resolving.
    await livekitPage.evaluate(() => window.sandboxHarness.startVoiceChat())
    const said = await fetch(`${sandbox.baseUrl}/__sandbox/sessions/${overLiveKit.sessionId}/user-says`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Hello' }),
    })
    expect(await said.json()).toMatchObject({ answered: true })
  } finally {
    await browser.close()
  }
})
