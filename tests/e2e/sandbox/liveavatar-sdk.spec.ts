import { expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../support/chromium'
import { buildHarness, serveStatic, type StaticServer } from '../support/harness'
import { startSandbox, WAYNE_AVATAR_ID, type Sandbox, type SessionSnapshot } from '../../../src/sandbox/index'
import type { HarnessEvent, LiveAvatarStartOptions, LiveAvatarStartResult } from './liveavatar-harness/api'

/**
 * The real, unmodified @heygen/liveavatar-web-sdk (on the one livekit-client 2.11.3), in Debian's Chromium,
 * against an in-process sandbox on a free loopback port. The test mints tokens with the API key, as the
 * kiosk's main process does; the SDK only starts, speaks and stops.
 */

const API_KEY = 'e2e-liveavatar-key'
/** A name Chromium resolves to 127.0.0.1 here: a page from a site the sandbox does not know. */
const FOREIGN_HOST = 'evil.example'
const SANDBOX_SESSION_SECONDS = 4
let sandbox: Sandbox
let site: StaticServer

test.describe.configure({ mode: 'serial' })
test.use({ launchOptions: chromiumLaunchOptions([`--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`]) })

test.beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    apiKey: API_KEY,
    maxConcurrent: 2,
    sandboxSessionSeconds: SANDBOX_SESSION_SECONDS,
    // SANDBOX_LOG=debug shows the sandbox's side of a failing test.
    ...(process.env.SANDBOX_LOG
      ? { log: (level, msg, ctx) => console.log(`[sandbox] ${level} ${msg} ${JSON.stringify(ctx ?? {})}`) }
      : {}),
  })
  site = await serveStatic(await buildHarness('tests/e2e/sandbox/liveavatar-harness', 'liveavatar-sdk'))
})

test.afterAll(async () => {
  await site?.close()
  await sandbox?.close()
  expect(sandbox.childPids()).toEqual([])
})

test.afterEach(async () => {
  await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'DELETE' })
  for (const session of sandbox.sessions().filter((s) => s.state === 'open')) {
    await fetch(`${sandbox.baseUrl}/v1/sessions/stop`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: session.id }),
    })
  }
})

async function mintToken(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sandbox.baseUrl}/v1/sessions/token`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ avatar_id: WAYNE_AVATAR_ID, ...body }),
  })
  expect(response.status).toBe(200)
  const reply = (await response.json()) as { code: number; data: { session_token: string } }
  expect(reply.code).toBe(1000)
  return reply.data.session_token
}

async function openHarness(page: Page, origin = site.url): Promise<void> {
  page.on('pageerror', (error) => console.error('[harness]', error.message))
  await page.goto(origin)
  await page.waitForFunction(() => window.liveAvatarHarness !== undefined)
}

async function start(
  page: Page,
  tokenBody: Record<string, unknown>,
  options: Partial<LiveAvatarStartOptions> = {},
): Promise<LiveAvatarStartResult> {
  const token = await mintToken(tokenBody)
  return page.evaluate((opts) => window.liveAvatarHarness.start(opts), {
    apiUrl: sandbox.baseUrl,
    token,
    ...options,
  })
}

async function events(page: Page): Promise<HarnessEvent[]> {
  return page.evaluate(() => window.liveAvatarHarness.events())
}

async function eventCount(page: Page): Promise<number> {
  return (await events(page)).length
}

function waitForEvent(page: Page, type: string, fromIndex = 0, timeoutMs = 15_000): Promise<HarnessEvent> {
  return page.evaluate(([t, from, ms]) => window.liveAvatarHarness.waitForEvent(t, from, ms), [
    type,
    fromIndex,
    timeoutMs,
  ] as const)
}

function session(id: string | null): SessionSnapshot {
  const found = sandbox.sessions().find((entry) => entry.id === id)
  if (!found) throw new Error(`no sandbox session ${id}`)
  return found
}

const payload = (event: HarnessEvent): Record<string, unknown> => event.detail as Record<string, unknown>

/** One second of a 220 Hz tone as base64 PCM16 mono at 24 kHz, as `repeatAudio()` takes it. */
function toneBase64(seconds: number): string {
  const samples = Math.round(24_000 * seconds)
  const bytes = Buffer.alloc(samples * 2)
  for (let i = 0; i < samples; i++)
    bytes.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * i) / 24_000) * 9000), i * 2)
  return bytes.toString('base64')
}

test.describe('FULL', () => {
  test('start() reaches session.stream_ready and CONNECTED with the agent in the room; no microphone', async ({
    page,
  }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL', video_settings: { quality: 'low' } })
    expect(started).toMatchObject({ ok: true, mode: 'FULL', state: 'CONNECTED' })
    expect(started.readyMs).toBeLessThan(10_000)
    const types = (await events(page)).map((event) => event.type)
    expect(types).toContain('session.stream_ready')
    expect(
      (await events(page)).filter((e) => e.type === 'session.state_changed').map((e) => e.detail),
    ).toEqual(['CONNECTING', 'CONNECTED'])
    await expect.poll(() => page.evaluate(() => window.liveAvatarHarness.videoSize())).toEqual([640, 360])
    expect(session(started.sessionId)).toMatchObject({
      protocol: 'liveavatar',
      mode: 'FULL',
      state: 'open',
      quality: 'low',
      microphonePublished: false,
    })
  })

  test('repeat() is spoken verbatim: speak_started, word chunks, the transcription, speak_ended; recorded', async ({
    page,
  }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL' })
    const from = await eventCount(page)
    const since = await page.evaluate(() => window.liveAvatarHarness.now())
    const eventId = await page.evaluate(() =>
      window.liveAvatarHarness.repeat('Welcome to the lobby, dear guest.'),
    )
    const speakStarted = await waitForEvent(page, 'avatar.speak_started', from)
    const ended = await waitForEvent(page, 'avatar.speak_ended', from, 20_000)
    expect(payload(speakStarted)).toMatchObject({ source_event_id: eventId, session_id: started.sessionId })
    expect(payload(ended)).toMatchObject({ source_event_id: eventId })
    const spoken = (await events(page)).slice(from)
    const chunks = spoken.filter((e) => e.type === 'avatar.transcription.chunk').map((e) => payload(e).text)
    expect(chunks.join('')).toBe('Welcome to the lobby, dear guest.')
    const final = spoken.find((e) => e.type === 'avatar.transcription')
    expect(payload(final!).text).toBe('Welcome to the lobby, dear guest.')
    expect(ended.at - speakStarted.at).toBeGreaterThan(1000)
    // The speech is really in the audio track.
    expect(await page.evaluate((t) => window.liveAvatarHarness.audioPeak(t), since)).toBeGreaterThan(0.01)
    expect(session(started.sessionId).tasks).toEqual([
      {
        type: 'repeat',
        text: 'Welcome to the lobby, dear guest.',
        at: expect.any(Number),
        startedAt: expect.any(Number),
      },
    ])
  })

  test('message() gets an answer from the context; the control API visitor gets one too', async ({
    page,
  }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL', avatar_persona: { context_id: 'sandbox-context' } })
    let from = await eventCount(page)
    await page.evaluate(() => window.liveAvatarHarness.message('When does the cafe open?'))
    await waitForEvent(page, 'avatar.speak_ended', from, 20_000)
    let answer = (await events(page)).slice(from).find((e) => e.type === 'avatar.transcription')
    expect(payload(answer!).text).toBe('The cafe is on the ground floor and opens at eight.')
    expect(session(started.sessionId).tasks.map((task) => task.type)).toEqual(['talk'])

    from = await eventCount(page)
    expect(sandbox.userSays(started.sessionId!, 'What is your name?')).toMatchObject({ answered: true })
    await waitForEvent(page, 'avatar.speak_ended', from, 20_000)
    const heard = (await events(page)).slice(from)
    expect(heard.map((e) => e.type).slice(0, 4)).toEqual([
      'user.speak_started',
      'user.transcription.chunk',
      'user.speak_ended',
      'user.transcription',
    ])
    answer = heard.find((e) => e.type === 'avatar.transcription')
    expect(payload(answer!).text).toBe("I'm Sandy. How can I help you?")
  })

  test('interrupt() cuts the avatar off at once', async ({ page }) => {
    await openHarness(page)
    await start(page, { mode: 'FULL' })
    const from = await eventCount(page)
    await page.evaluate(() =>
      window.liveAvatarHarness.repeat(
        'This is a rather long announcement about the many facilities of the building, which would take a good while to read out in full.',
      ),
    )
    await waitForEvent(page, 'avatar.speak_started', from)
    const interruptedAt = await page.evaluate(() => {
      window.liveAvatarHarness.interrupt()
      return window.liveAvatarHarness.now()
    })
    const ended = await waitForEvent(page, 'avatar.speak_ended', from, 5_000)
    expect(ended.at - interruptedAt).toBeLessThan(1000)
  })

  test('a disconnect fault (LiveKit leave) gives session.disconnected', async ({ page }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL' })
    const from = await eventCount(page)
    sandbox.injectFault({ type: 'disconnect', session: started.sessionId })
    const disconnected = await waitForEvent(page, 'session.disconnected', from, 10_000)
    expect(disconnected.detail).toBe('UNKNOWN_REASON')
    // The SDK tears down and POSTs /stop on its own.
    await expect.poll(() => session(started.sessionId).state).toBe('closed')
  })

  test('a server-stop fault sends session.stopped: SERVER_INITIATED in the page, the session ends', async ({
    page,
  }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL' })
    const from = await eventCount(page)
    sandbox.injectFault({ type: 'server-stop', session: started.sessionId, reason: 'ZOMBIE_SESSION_REAP' })
    const stopped = await waitForEvent(page, 'session.stopped', from, 10_000)
    expect(payload(stopped)).toMatchObject({ stop_reason: 'ZOMBIE_SESSION_REAP' })
    const disconnected = await waitForEvent(page, 'session.disconnected', from, 10_000)
    expect(disconnected.detail).toBe('SERVER_INITIATED')
    expect(session(started.sessionId)).toMatchObject({ state: 'closed', endReason: 'ZOMBIE_SESSION_REAP' })
  })

  test('an is_sandbox session ends by itself with MAX_DURATION_REACHED', async ({ page }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL', is_sandbox: true })
    const stopped = await waitForEvent(page, 'session.stopped', 0, (SANDBOX_SESSION_SECONDS + 5) * 1000)
    expect(payload(stopped)).toMatchObject({ stop_reason: 'MAX_DURATION_REACHED' })
    expect((await waitForEvent(page, 'session.disconnected')).detail).toBe('SERVER_INITIATED')
    expect(session(started.sessionId)).toMatchObject({ state: 'closed', closeReason: 'session-limit' })
  })

  test('stop() ends the session: no open sessions are left', async ({ page }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'FULL' })
    await page.evaluate(() => window.liveAvatarHarness.stop())
    expect((await waitForEvent(page, 'session.disconnected')).detail).toBe('CLIENT_INITIATED')
    await expect.poll(() => sandbox.sessions().filter((s) => s.state === 'open').length).toBe(0)
    expect(session(started.sessionId)).toMatchObject({ closeReason: 'stopped', endReason: 'USER_CLOSED' })
  })
})

test.describe('LITE', () => {
  test('repeatAudio() of 1 s of PCM is played at real-time pace: speak_started/ended, recorded', async ({
    page,
  }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'LITE', video_settings: { quality: 'low' } })
    expect(started).toMatchObject({ ok: true, mode: 'LITE', state: 'CONNECTED' })
    expect(session(started.sessionId)).toMatchObject({
      protocol: 'liveavatar',
      mode: 'LITE',
      audioUtterances: [],
    })
    // The socket is open: the SDK refuses text speech in LITE.
    await expect(page.evaluate(() => window.liveAvatarHarness.repeat('hello'))).rejects.toThrow(
      /Not permitted in LITE mode/,
    )
    const from = await eventCount(page)
    const since = await page.evaluate(() => window.liveAvatarHarness.now())
    await page.evaluate((audio) => window.liveAvatarHarness.repeatAudio(audio), toneBase64(1))
    const speakStarted = await waitForEvent(page, 'avatar.speak_started', from)
    const ended = await waitForEvent(page, 'avatar.speak_ended', from, 10_000)
    // The events follow the frames as the sandbox's audio clock pulls them; after an event-loop stall (the
    // sandbox runs in this busy test process) it pulls up to half a second at once, so allow for that here.
    // The pace itself is checked where it matters, in the audio the browser plays (below).
    expect(ended.at - speakStarted.at).toBeGreaterThan(450)
    expect(ended.at - speakStarted.at).toBeLessThan(1800)
    // The tone is in the avatar's audio, for about as long as it lasts (the browser hears it a little later:
    // encoder, RTP and jitter buffer, more on a busy machine), so give the tail time to arrive.
    await page.waitForTimeout(1_500)
    const loud = (await page.evaluate((t) => window.liveAvatarHarness.audioTrace(t), since)).filter(
      (sample) => sample.rms > 0.05,
    )
    expect(loud.length).toBeGreaterThan(0)
    // Played at real-time pace, not dumped at once; the level threshold trims a little of each edge.
    expect(loud.at(-1)!.at - loud[0]!.at).toBeGreaterThan(700)
    expect(loud.at(-1)!.at - loud[0]!.at).toBeLessThan(1500)
    const [utterance] = session(started.sessionId).audioUtterances ?? []
    expect(utterance).toMatchObject({ samples: 24_000, interrupted: false })
    // 50 frames of 20 ms, pulled by a clock that catches up (at most 25 frames) after a stall.
    expect(utterance!.endedAt! - utterance!.startedAt!).toBeGreaterThanOrEqual(450)
    expect(utterance!.endedAt! - utterance!.startedAt!).toBeLessThan(1300)
  })

  test('interrupt() stops LITE playback; stop() closes the socket and the session', async ({ page }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'LITE' })
    const from = await eventCount(page)
    await page.evaluate((audio) => window.liveAvatarHarness.repeatAudio(audio), toneBase64(5))
    await waitForEvent(page, 'avatar.speak_started', from)
    await page.evaluate(() => window.liveAvatarHarness.interrupt())
    const ended = await waitForEvent(page, 'avatar.speak_ended', from, 3_000)
    expect(ended).toBeDefined()
    expect(session(started.sessionId).audioUtterances?.[0]).toMatchObject({ interrupted: true })
    await page.evaluate(() => window.liveAvatarHarness.stop())
    await expect.poll(() => session(started.sessionId).state).toBe('closed')
  })

  test('a server-stop fault closes the LITE socket too: session.disconnected in the page', async ({
    page,
  }) => {
    await openHarness(page)
    const started = await start(page, { mode: 'LITE' })
    const from = await eventCount(page)
    sandbox.injectFault({ type: 'server-stop', session: started.sessionId })
    const disconnected = await waitForEvent(page, 'session.disconnected', from, 10_000)
    expect(disconnected.detail).toBe('SERVER_INITIATED')
    expect(session(started.sessionId)).toMatchObject({ state: 'closed', endReason: 'SERVER_ERROR' })
  })
})

test('a page from a foreign origin is refused by CORS: start() fails and no session starts', async ({
  page,
}) => {
  await openHarness(page, `http://${FOREIGN_HOST}:${new URL(site.url).port}/`)
  const before = sandbox.sessions().length
  const result = await start(page, { mode: 'FULL' })
  expect(result).toMatchObject({ ok: false, error: 'API request failed', errorCode: 500 })
  expect((await events(page)).find((e) => e.type === 'session.disconnected')?.detail).toBe(
    'SESSION_START_FAILED',
  )
  expect(sandbox.sessions().length).toBe(before)
})
