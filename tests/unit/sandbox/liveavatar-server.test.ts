import { SignalResponse, TrackType } from '@livekit/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startSandbox, WAYNE_AVATAR_ID, type Sandbox, type SessionSnapshot } from '../../../src/sandbox/index'

/** A real sandbox on a free loopback port, driven over HTTP and WebSocket as the LiveAvatar SDK and main do. */

const API_KEY = 'la-test-key'

interface Reply {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; apiKey?: string; origin?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.apiKey) headers['x-api-key'] = options.apiKey
  if (options.origin) headers.origin = options.origin
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers,
    body: method === 'GET' || options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  }
}

const data = (reply: Reply): Record<string, unknown> => reply.body.data as Record<string, unknown>

async function mint(
  sandbox: Sandbox,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const reply = await call(sandbox, 'POST', '/v1/sessions/token', {
    apiKey: API_KEY,
    body: { avatar_id: WAYNE_AVATAR_ID, ...body },
  })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  return { id: data(reply).session_id as string, token: data(reply).session_token as string }
}

async function startSession(
  sandbox: Sandbox,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string; started: Record<string, unknown> }> {
  const minted = await mint(sandbox, body)
  const reply = await call(sandbox, 'POST', '/v1/sessions/start', { token: minted.token })
  expect(reply.status, JSON.stringify(reply.body)).toBe(201)
  expect(reply.body).toMatchObject({ code: 1000 })
  return { ...minted, started: data(reply) }
}

function snapshot(sandbox: Sandbox, id: string): SessionSnapshot | undefined {
  return sandbox.sessions().find((session) => session.id === id)
}

function open(url: string): Promise<{ socket: WebSocket; messages: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const messages: string[] = []
    socket.on('message', (message) => messages.push(String(message)))
    socket.once('open', () => resolve({ socket, messages }))
    socket.once('error', reject)
  })
}

function rejection(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {})
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.on('open', () => reject(new Error('socket opened')))
    socket.on('error', () => {})
  })
}

async function until<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('LiveAvatar REST', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY, maxConcurrent: 2, sessionLimitSeconds: 900 })
  })
  afterAll(async () => {
    await sandbox.close()
  })
  afterEach(async () => {
    await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'DELETE' })
    for (const session of sandbox.sessions().filter((s) => s.state === 'open')) {
      await call(sandbox, 'POST', '/v1/sessions/stop', { apiKey: API_KEY, body: { session_id: session.id } })
    }
  })

  it('mints tokens only with the API key; a bad body gets 422 with FastAPI details', async () => {
    for (const apiKey of ['wrong', undefined]) {
      const refused = await call(sandbox, 'POST', '/v1/sessions/token', { apiKey, body: { avatar_id: 'a' } })
      expect(refused.status).toBe(401)
      expect(refused.body).toMatchObject({
        code: expect.any(Number),
        message: expect.any(String),
        data: null,
      })
    }
    const invalid = await call(sandbox, 'POST', '/v1/sessions/token', {
      apiKey: API_KEY,
      body: { mode: 'HALF' },
    })
    expect(invalid.status).toBe(422)
    expect((invalid.body.detail as { loc: string[] }[]).map((d) => d.loc.join('.'))).toEqual(
      expect.arrayContaining(['body.mode', 'body.avatar_id']),
    )
    const notJson = await fetch(`${sandbox.baseUrl}/v1/sessions/token`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: '{oops',
    })
    expect(notJson.status).toBe(422)
    const minted = await mint(sandbox, { mode: 'LITE' })
    expect(minted.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(minted.token.split('.')).toHaveLength(3)
    // Minting creates no session yet: that is /start's job.
    expect(snapshot(sandbox, minted.id)).toBeUndefined()
  })

  it('start takes the bearer token once and answers 201 with the LiveKit URL on this port', async () => {
    const minted = await mint(sandbox, { mode: 'FULL', max_session_duration: 300 })
    const noToken = await call(sandbox, 'POST', '/v1/sessions/start')
    expect(noToken.status).toBe(401)
    const forged = await call(sandbox, 'POST', '/v1/sessions/start', { token: `${minted.token}x` })
    expect(forged.status).toBe(401)
    const started = await call(sandbox, 'POST', '/v1/sessions/start', { token: minted.token })
    expect(started.status).toBe(201)
    expect(started.body).toEqual({
      code: 1000,
      message: expect.any(String),
      data: {
        session_id: minted.id,
        livekit_url: `ws://127.0.0.1:${sandbox.port}`,
        livekit_client_token: expect.any(String),
        max_session_duration: 300,
      },
    })
    const again = await call(sandbox, 'POST', '/v1/sessions/start', { token: minted.token })
    expect(again.status).toBe(400)
    expect(again.body).toMatchObject({ data: null })
    expect(snapshot(sandbox, minted.id)).toMatchObject({
      protocol: 'liveavatar',
      mode: 'FULL',
      state: 'open',
      quality: 'medium',
      microphonePublished: false,
      tasks: [],
    })
    expect(snapshot(sandbox, minted.id)?.audioUtterances).toBeUndefined()
  })

  it('LITE start adds a ws_url on this server; quality follows video_settings', async () => {
    const { id, started } = await startSession(sandbox, {
      mode: 'CUSTOM',
      video_settings: { quality: 'low' },
    })
    expect(started.ws_url).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:${sandbox.port}/v1/sessions/${id}/ws\\?token=`),
    )
    expect(snapshot(sandbox, id)).toMatchObject({ mode: 'LITE', quality: 'low', audioUtterances: [] })
  })

  it('applies the concurrency limit and the refuse-sessions fault at /start, with Retry-After', async () => {
    await startSession(sandbox)
    await startSession(sandbox)
    const third = await mint(sandbox)
    const refused = await call(sandbox, 'POST', '/v1/sessions/start', { token: third.token })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(refused.body).toMatchObject({ message: expect.stringMatching(/limit/), data: null })
    for (const session of sandbox.sessions().filter((s) => s.state === 'open')) {
      await call(sandbox, 'POST', '/v1/sessions/stop', { apiKey: API_KEY, body: { session_id: session.id } })
    }
    sandbox.injectFault({ type: 'refuse-sessions', on: true })
    expect((await call(sandbox, 'POST', '/v1/sessions/start', { token: third.token })).status).toBe(429)
    sandbox.injectFault({ type: 'refuse-sessions', on: false })
    // The refused token is still good.
    expect((await call(sandbox, 'POST', '/v1/sessions/start', { token: third.token })).status).toBe(201)
  })

  it('REST faults answer in LiveAvatar’s JSON shape, with Retry-After when asked', async () => {
    sandbox.injectFault({ type: 'rest', path: '/v1/sessions/start', status: 429, retryAfterSeconds: 7 })
    const minted = await mint(sandbox)
    const limited = await call(sandbox, 'POST', '/v1/sessions/start', { token: minted.token })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect(limited.body).toEqual({ code: 429, message: expect.any(String), data: null })
    expect((await call(sandbox, 'POST', '/v1/sessions/start', { token: minted.token })).status).toBe(201)
  })

  it('stop works by bearer or by API key, succeeds again after the end, and keeps a never-started token from starting', async () => {
    const a = await startSession(sandbox)
    expect((await call(sandbox, 'POST', '/v1/sessions/stop', { token: a.token })).body).toMatchObject({
      code: 1000,
    })
    expect(snapshot(sandbox, a.id)).toMatchObject({
      state: 'closed',
      closeReason: 'stopped',
      endReason: 'USER_CLOSED',
    })
    expect((await call(sandbox, 'POST', '/v1/sessions/stop', { token: a.token })).status).toBe(200)

    const b = await startSession(sandbox)
    const withoutId = await call(sandbox, 'POST', '/v1/sessions/stop', { apiKey: API_KEY, body: {} })
    expect(withoutId.status).toBe(400)
    const wrongKey = await call(sandbox, 'POST', '/v1/sessions/stop', {
      apiKey: 'nope',
      body: { session_id: b.id },
    })
    expect(wrongKey.status).toBe(401)
    expect(
      (await call(sandbox, 'POST', '/v1/sessions/stop', { apiKey: API_KEY, body: { session_id: b.id } }))
        .status,
    ).toBe(200)
    expect(snapshot(sandbox, b.id)?.state).toBe('closed')

    const never = await mint(sandbox)
    expect((await call(sandbox, 'POST', '/v1/sessions/stop', { token: never.token })).status).toBe(200)
    expect((await call(sandbox, 'POST', '/v1/sessions/start', { token: never.token })).status).toBe(400)
  })

  it('keep-alive by bearer or API key; lists active and historic sessions', async () => {
    const live = await startSession(sandbox, { is_sandbox: true, mode: 'LITE' })
    const ended = await startSession(sandbox)
    await call(sandbox, 'POST', '/v1/sessions/stop', { token: ended.token })
    expect(
      (await call(sandbox, 'POST', '/v1/sessions/keep-alive', { token: live.token })).body,
    ).toMatchObject({
      code: 1000,
    })
    expect(
      (
        await call(sandbox, 'POST', '/v1/sessions/keep-alive', {
          apiKey: API_KEY,
          body: { session_id: live.id },
        })
      ).status,
    ).toBe(200)
    expect((await call(sandbox, 'POST', '/v1/sessions/keep-alive', { token: ended.token })).status).toBe(400)

    expect((await call(sandbox, 'GET', '/v1/sessions?type=active')).status).toBe(401)
    expect((await call(sandbox, 'GET', '/v1/sessions', { apiKey: API_KEY })).status).toBe(422)
    const active = data(await call(sandbox, 'GET', '/v1/sessions?type=active', { apiKey: API_KEY }))
    expect(active).toMatchObject({ count: 1, next: null, previous: null })
    expect((active.results as unknown[])[0]).toEqual({
      id: live.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      duration: expect.any(Number),
      source: 'API',
      mode: 'LITE',
      is_sandbox: true,
      credits_consumed: 0,
    })
    const historic = data(
      await call(sandbox, 'GET', '/v1/sessions?type=historic&page_size=100', { apiKey: API_KEY }),
    )
    expect(
      (historic.results as { id: string; end_reason: string }[]).find((s) => s.id === ended.id),
    ).toMatchObject({
      end_reason: 'USER_CLOSED',
      end_at: expect.any(String),
    })
    const one = await call(sandbox, 'GET', `/v1/sessions/${live.id}`, { apiKey: API_KEY })
    expect(data(one)).toMatchObject({ id: live.id, mode: 'LITE' })
  })

  it('lists the catalogue: Wayne among the public avatars, voices and contexts, paginated', async () => {
    const publicAvatars = data(await call(sandbox, 'GET', '/v1/avatars/public'))
    expect(publicAvatars.results).toEqual([
      expect.objectContaining({
        id: WAYNE_AVATAR_ID,
        name: expect.stringMatching(/Wayne/),
        status: 'ACTIVE',
        type: 'VIDEO',
        is_expired: false,
        default_voice: { id: expect.any(String), name: expect.any(String) },
      }),
    ])
    expect((await call(sandbox, 'GET', '/v1/avatars')).status).toBe(401)
    const own = data(await call(sandbox, 'GET', '/v1/avatars?page=1&page_size=2', { apiKey: API_KEY }))
    expect(own).toMatchObject({ count: 3, next: '/v1/avatars?page=2&page_size=2', previous: null })
    const voices = data(await call(sandbox, 'GET', '/v1/voices', { apiKey: API_KEY }))
    expect((voices.results as unknown[])[0]).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      language: 'en',
    })
    const contexts = data(await call(sandbox, 'GET', '/v1/contexts', { apiKey: API_KEY }))
    expect(contexts.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'sandbox-context', name: expect.any(String) })]),
    )
    // The legacy list stays.
    expect((await call(sandbox, 'GET', '/v1/streaming/avatar.list', { apiKey: API_KEY })).status).toBe(200)
    const unknown = await call(sandbox, 'GET', '/v1/sessions/nope/nothing', { apiKey: API_KEY })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ data: null })
  })

  it('does credentialed CORS with the exact origin for allowed pages, and refuses others', async () => {
    for (const origin of ['app://kiosk', 'http://127.0.0.1:5173']) {
      const preflight = await fetch(`${sandbox.baseUrl}/v1/sessions/start`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin)
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/)
      expect(preflight.headers.get('vary')).toMatch(/Origin/)
    }
    const minted = await mint(sandbox)
    const started = await call(sandbox, 'POST', '/v1/sessions/start', {
      token: minted.token,
      origin: 'app://kiosk',
    })
    expect(started.status).toBe(201)
    expect(started.headers.get('access-control-allow-origin')).toBe('app://kiosk')

    const foreignPreflight = await fetch(`${sandbox.baseUrl}/v1/sessions/start`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(foreignPreflight.status).toBe(403)
    expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull()
    const foreign = await call(sandbox, 'POST', '/v1/sessions/stop', {
      token: minted.token,
      origin: 'https://evil.example',
    })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    // Nothing was done on the foreign page's behalf.
    expect(snapshot(sandbox, minted.id)?.state).toBe('open')
  })
})

describe('LiveAvatar sockets and sessions', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      apiKey: API_KEY,
      idleTimeoutSeconds: 1,
      sandboxSessionSeconds: 2,
    })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  const wsUrl = (path: string): string => `${sandbox.baseUrl.replace('http', 'ws')}${path}`

  it('FULL joins put the avatar as `heygen` and the agent in the room', async () => {
    const { id, started } = await startSession(sandbox, { mode: 'FULL' })
    const socket = new WebSocket(
      wsUrl(`/rtc?access_token=${String(started.livekit_client_token)}&protocol=15`),
    )
    const messages: SignalResponse[] = []
    socket.on('message', (message) =>
      messages.push(SignalResponse.fromBinary(new Uint8Array(message as Buffer))),
    )
    const join = await until(() => {
      const first = messages[0]
      return first?.message.case === 'join' ? first.message.value : undefined
    })
    socket.close()
    expect(join.otherParticipants.map((participant) => participant.identity)).toEqual([
      'heygen',
      `liveavatar-agent-${id}`,
    ])
    expect(join.otherParticipants[0]!.tracks.map((track) => track.type).sort()).toEqual(
      [TrackType.AUDIO, TrackType.VIDEO].sort(),
    )
    expect(join.otherParticipants[1]!.tracks).toEqual([])
  })

  it('the LITE socket needs its token; it says connected and echoes an utterance’s speak events', async () => {
    const { id, started } = await startSession(sandbox, { mode: 'LITE' })
    const url = String(started.ws_url)
    expect(await rejection(url.replace(/token=[^&]+/, 'token=wrong'))).toBe(401)
    expect(await rejection(url, 'https://evil.example')).toBe(403)
    const { socket, messages } = await open(url)
    await until(() => (messages.length > 0 ? true : undefined))
    expect(JSON.parse(messages[0]!)).toEqual({ type: 'session.state_updated', state: 'connected' })
    const pcm = Buffer.alloc(24_000 * 0.2 * 2)
    for (let i = 0; i < pcm.length / 2; i++) pcm.writeInt16LE(Math.round(Math.sin(i / 4) * 6000), i * 2)
    socket.send(JSON.stringify({ type: 'agent.speak', event_id: 'utt-1', audio: pcm.toString('base64') }))
    socket.send(JSON.stringify({ type: 'agent.speak_end', event_id: 'utt-1' }))
    await until(() => (messages.length >= 3 ? true : undefined))
    expect(messages.slice(1).map((message) => JSON.parse(message) as unknown)).toEqual([
      { type: 'agent.speak_started', event_id: 'utt-1', task: { id: 'utt-1' } },
      { type: 'agent.speak_ended', event_id: 'utt-1', task: { id: 'utt-1' } },
    ])
    const [utterance] = snapshot(sandbox, id)?.audioUtterances ?? []
    expect(utterance).toMatchObject({ eventId: 'utt-1', samples: 4800, interrupted: false })
    // Played after it arrived (the pace itself is lite-audio.test.ts's concern: the clock may catch up here).
    expect(utterance!.startedAt!).toBeGreaterThanOrEqual(utterance!.firstChunkAt)
    expect(utterance!.endedAt!).toBeGreaterThanOrEqual(utterance!.startedAt!)
    // The control API's visitor gets no answer in LITE: the app brings its own brain.
    expect(sandbox.userSays(id, 'Hello?')).toMatchObject({ answered: false })
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    sandbox.injectFault({ type: 'server-stop', session: id })
    expect(await closed).toBe(1000)
    expect(messages.map((message) => JSON.parse(message) as { type: string }).at(-1)).toEqual({
      type: 'session.state_updated',
      state: 'closed',
    })
    expect(snapshot(sandbox, id)).toMatchObject({ state: 'closed', endReason: 'SERVER_ERROR' })
  })

  it('ends idle sessions with IDLE_TIMEOUT and sandbox sessions with MAX_DURATION_REACHED', async () => {
    const idle = await startSession(sandbox, { mode: 'LITE' })
    const short = await startSession(sandbox, { mode: 'LITE', is_sandbox: true })
    expect(short.started.max_session_duration).toBe(2)
    // Keep the sandbox session busy so only its duration can end it.
    const keeper = setInterval(
      () => void call(sandbox, 'POST', '/v1/sessions/keep-alive', { token: short.token }),
      300,
    )
    try {
      await until(() => (snapshot(sandbox, idle.id)?.state === 'closed' ? true : undefined), 4000)
      expect(snapshot(sandbox, idle.id)).toMatchObject({
        closeReason: 'idle-timeout',
        endReason: 'IDLE_TIMEOUT',
      })
      await until(() => (snapshot(sandbox, short.id)?.state === 'closed' ? true : undefined), 4000)
      expect(snapshot(sandbox, short.id)).toMatchObject({ endReason: 'MAX_DURATION_REACHED' })
    } finally {
      clearInterval(keeper)
    }
  })
})
