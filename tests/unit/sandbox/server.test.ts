import { SignalResponse, TrackType } from '@livekit/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { encodeTextFrame } from '../support/pipecat-frames'
import { startSandbox, type Sandbox, type SessionSnapshot } from '../../../src/sandbox/index'

/** Real sandboxes on free loopback ports, driven over HTTP and WebSocket the way the SDK drives them. */

const API_KEY = 'test-key'

interface Reply {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; apiKey?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.apiKey) headers['x-api-key'] = options.apiKey
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : JSON.stringify(options.body ?? {}),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  }
}

async function newToken(sandbox: Sandbox): Promise<string> {
  const reply = await call(sandbox, 'POST', '/v1/streaming.create_token', { apiKey: API_KEY })
  expect(reply.status).toBe(200)
  return (reply.body.data as { token: string }).token
}

async function newSession(
  sandbox: Sandbox,
  body: Record<string, unknown> = {},
): Promise<{ token: string; id: string; data: Record<string, unknown> }> {
  const token = await newToken(sandbox)
  const reply = await call(sandbox, 'POST', '/v1/streaming.new', { token, body })
  expect(reply.status, JSON.stringify(reply.body)).toBe(200)
  const data = reply.body.data as Record<string, unknown>
  return { token, id: data.session_id as string, data }
}

async function controlSessions(sandbox: Sandbox): Promise<SessionSnapshot[]> {
  return (await (await fetch(`${sandbox.baseUrl}/__sandbox/sessions`)).json()) as SessionSnapshot[]
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function stopAll(sandbox: Sandbox): Promise<void> {
  for (const session of sandbox.sessions().filter((s) => s.state === 'open')) {
    await call(sandbox, 'POST', '/v1/streaming.stop', { apiKey: API_KEY, body: { session_id: session.id } })
  }
}

describe('sandbox REST', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY, maxConcurrent: 2, sessionLimitSeconds: 321 })
  })
  afterAll(async () => {
    await sandbox.close()
  })
  afterEach(async () => {
    await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'DELETE' })
    await stopAll(sandbox)
  })

  it('listens on a loopback port chosen by the OS', () => {
    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(sandbox.port).toBeGreaterThan(0)
  })

  it('create_token checks X-Api-Key: a wrong or missing key gets 401 with code 400112', async () => {
    for (const apiKey of ['wrong', undefined]) {
      const reply = await call(sandbox, 'POST', '/v1/streaming.create_token', { apiKey })
      expect(reply.status).toBe(401)
      expect(reply.body).toMatchObject({ code: 400112 })
    }
    const ok = await call(sandbox, 'POST', '/v1/streaming.create_token', { apiKey: API_KEY })
    expect(ok.body).toMatchObject({ error: null, data: { token: expect.any(String) } })
  })

  it('answers CORS preflights for the SDK headers, echoing an allowed origin', async () => {
    const response = await fetch(`${sandbox.baseUrl}/v1/streaming.new`, {
      method: 'OPTIONS',
      headers: { origin: 'app://kiosk', 'access-control-request-headers': 'authorization,content-type' },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('app://kiosk')
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/)
  })

  it('streaming.new returns the provider fields, with the LiveKit URL on the same port', async () => {
    const { data } = await newSession(sandbox, { quality: 'high', avatar_name: 'sandbox_ben' })
    expect(data).toEqual({
      session_id: expect.any(String),
      access_token: expect.any(String),
      url: `ws://127.0.0.1:${sandbox.port}`,
      is_paid: false,
      session_duration_limit: 321,
    })
  })

  it('a token creates one session only, then is that session’s bearer credential', async () => {
    const first = await newSession(sandbox)
    const reuse = await call(sandbox, 'POST', '/v1/streaming.new', { token: first.token })
    expect(reuse.status).toBe(401)
    expect(reuse.body).toMatchObject({ code: 400112 })
    const unknown = await call(sandbox, 'POST', '/v1/streaming.new', { token: 'made-up' })
    expect(unknown.status).toBe(401)

    const keepAlive = await call(sandbox, 'POST', '/v1/streaming.keep_alive', {
      token: first.token,
      body: { session_id: first.id },
    })
    expect(keepAlive.status).toBe(200)
    expect(keepAlive.body).toMatchObject({ code: 100, message: 'success' })

    const second = await newSession(sandbox)
    const crossed = await call(sandbox, 'POST', '/v1/streaming.keep_alive', {
      token: second.token,
      body: { session_id: first.id },
    })
    expect(crossed.status).toBe(401)
    const missingId = await call(sandbox, 'POST', '/v1/streaming.keep_alive', { token: first.token })
    expect(missingId.status).toBe(401)
    expect(missingId.body).toMatchObject({ code: 400112 })
    const byKey = await call(sandbox, 'POST', '/v1/streaming.start', {
      apiKey: API_KEY,
      body: { session_id: first.id },
    })
    expect(byKey.status).toBe(200)
  })

  it('refuses sessions beyond --max-concurrent with a 4xx, without spending the token', async () => {
    await newSession(sandbox)
    const second = await newSession(sandbox)
    const token = await newToken(sandbox)
    const refused = await call(sandbox, 'POST', '/v1/streaming.new', { token })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.status).toBeLessThan(500)
    expect(refused.body).toMatchObject({ code: 10007 })
    await call(sandbox, 'POST', '/v1/streaming.stop', {
      token: second.token,
      body: { session_id: second.id },
    })
    const retried = await call(sandbox, 'POST', '/v1/streaming.new', { token })
    expect(retried.status).toBe(200)
  })

  it('stop closes the session; the control API shows it closed and later calls get 400006', async () => {
    const session = await newSession(sandbox, { quality: 'low', ia_is_livekit_transport: true })
    const stopped = await call(sandbox, 'POST', '/v1/streaming.stop', {
      token: session.token,
      body: { session_id: session.id },
    })
    expect(stopped.status).toBe(200)
    const entry = (await controlSessions(sandbox)).find((s) => s.id === session.id)
    expect(entry).toEqual({
      id: session.id,
      protocol: 'heygen',
      state: 'closed',
      createdAt: expect.any(Number),
      closedAt: expect.any(Number),
      closeReason: 'stopped',
      quality: 'low',
      transport: 'livekit',
      microphonePublished: false,
      tasks: [],
    })
    expect(entry!.closedAt!).toBeGreaterThanOrEqual(entry!.createdAt)
    const late = await call(sandbox, 'POST', '/v1/streaming.task', {
      token: session.token,
      body: { session_id: session.id, text: 'too late' },
    })
    expect(late.status).toBe(400)
    expect(late.body).toMatchObject({ code: 400006 })
  })

  it('sync tasks resolve once spoken, reporting the duration', async () => {
    const session = await newSession(sandbox)
    const started = Date.now()
    const reply = await call(sandbox, 'POST', '/v1/streaming.task', {
      token: session.token,
      body: { session_id: session.id, text: 'Short one.', task_type: 'repeat' },
    })
    const durationMs = (reply.body.data as { duration_ms: number }).duration_ms
    expect(durationMs).toBeGreaterThan(300)
    expect(Date.now() - started).toBeGreaterThanOrEqual(durationMs - 100)
  })

  it('records tasks with type, text and time; a missing task_type means talk', async () => {
    const session = await newSession(sandbox)
    const before = Date.now()
    const repeat = await call(sandbox, 'POST', '/v1/streaming.task', {
      token: session.token,
      body: { session_id: session.id, text: 'Hello from the test.', task_type: 'repeat', task_mode: 'async' },
    })
    expect(repeat.status).toBe(200)
    expect(repeat.body.data).toEqual({ task_id: expect.any(String), duration_ms: expect.any(Number) })
    expect((repeat.body.data as { duration_ms: number }).duration_ms).toBeGreaterThan(500)
    const talk = await call(sandbox, 'POST', '/v1/streaming.task', {
      token: session.token,
      body: { session_id: session.id, text: 'What can you do?', task_mode: 'async' },
    })
    expect(talk.status).toBe(200)
    const entry = (await controlSessions(sandbox)).find((s) => s.id === session.id)!
    // startedAt: null until the speaker begins the task, which may or may not have happened by now.
    const startedAt = expect.toSatisfy((value: unknown) => value === null || typeof value === 'number')
    expect(entry.tasks).toEqual([
      { type: 'repeat', text: 'Hello from the test.', at: expect.any(Number), startedAt },
      { type: 'talk', text: 'What can you do?', at: expect.any(Number), startedAt },
    ])
    expect(entry.tasks[0]!.at).toBeGreaterThanOrEqual(before)
  })

  it('interrupt, start_listening and stop_listening answer with the success envelope', async () => {
    const session = await newSession(sandbox)
    for (const path of ['interrupt', 'start_listening', 'stop_listening']) {
      const reply = await call(sandbox, 'POST', `/v1/streaming.${path}`, {
        token: session.token,
        body: { session_id: session.id },
      })
      expect(reply.status, path).toBe(200)
      expect(reply.body).toMatchObject({ code: 100 })
    }
  })

  it('lists open sessions and the sandbox avatars, for API-key holders', async () => {
    const session = await newSession(sandbox)
    const list = await call(sandbox, 'GET', '/v1/streaming.list', { apiKey: API_KEY })
    expect(list.body).toMatchObject({
      code: 100,
      data: { sessions: [{ session_id: session.id, status: 'connected', created_at: expect.any(Number) }] },
    })
    const avatars = await call(sandbox, 'GET', '/v1/streaming/avatar.list', { apiKey: API_KEY })
    const ids = (avatars.body.data as { avatar_id: string }[]).map((avatar) => avatar.avatar_id)
    expect(ids).toEqual(expect.arrayContaining(['sandbox_ada', 'sandbox_ben', 'sandbox_cleo']))
    expect((await call(sandbox, 'GET', '/v1/streaming.list', { apiKey: 'nope' })).status).toBe(401)
  })

  it('rest faults fail the next N requests to a path, then let them through', async () => {
    const arm = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'rest', path: '/v1/streaming.new', status: 500, times: 3 }),
    })
    expect(arm.status).toBe(200)
    const token = await newToken(sandbox)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push((await call(sandbox, 'POST', '/v1/streaming.new', { token })).status)
    expect(statuses).toEqual([500, 500, 500, 200])
  })

  it('delay faults hold requests back', async () => {
    await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'delay', path: '/v1/streaming.create_token', ms: 400, times: 1 }),
    })
    const started = Date.now()
    await newToken(sandbox)
    expect(Date.now() - started).toBeGreaterThanOrEqual(390)
    const again = Date.now()
    await newToken(sandbox)
    expect(Date.now() - again).toBeLessThan(390)
  })

  it('refuse-sessions refuses new sessions until switched off', async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(body) })
    await post({ type: 'refuse-sessions', on: true })
    const token = await newToken(sandbox)
    expect((await call(sandbox, 'POST', '/v1/streaming.new', { token })).status).toBe(400)
    await post({ type: 'refuse-sessions', on: false })
    expect((await call(sandbox, 'POST', '/v1/streaming.new', { token })).status).toBe(200)
  })

  it('rejects malformed faults and unknown sessions', async () => {
    const bad = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'rest', path: '/v1/streaming.new' }),
    })
    expect(bad.status).toBe(400)
    const unknown = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'disconnect', session: 'nope' }),
    })
    expect(unknown.status).toBe(404)
    const all = await fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'disconnect', session: 'all' }),
    })
    expect(all.status).toBe(200)
  })

  it('user-says answers 200 for open sessions, 409 for closed, 404 for unknown, 400 without text', async () => {
    const session = await newSession(sandbox)
    const say = (id: string, body: unknown): Promise<Response> =>
      fetch(`${sandbox.baseUrl}/__sandbox/sessions/${id}/user-says`, {
        method: 'POST',
        body: JSON.stringify(body),
      })
    const ok = await say(session.id, { text: 'hello' })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ task_id: expect.any(String), answered: true })
    expect((await say(session.id, {})).status).toBe(400)
    expect((await say('nope', { text: 'hi' })).status).toBe(404)
    await call(sandbox, 'POST', '/v1/streaming.stop', {
      token: session.token,
      body: { session_id: session.id },
    })
    expect((await say(session.id, { text: 'hi' })).status).toBe(409)
  })

  it('health reports the sandbox state', async () => {
    const health = (await (await fetch(`${sandbox.baseUrl}/__sandbox/health`)).json()) as Record<
      string,
      unknown
    >
    expect(health).toMatchObject({
      ok: true,
      maxConcurrent: 2,
      codec: 'vp8',
      openSessions: expect.any(Number),
    })
  })

  it('answers prepareConnection’s HEAD', async () => {
    expect((await fetch(`${sandbox.baseUrl}/`, { method: 'HEAD' })).status).toBe(200)
  })
})

describe('sandbox timeouts', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it('closes a session after activity_idle_timeout without activity', async () => {
    const session = await newSession(sandbox, { activity_idle_timeout: 1 })
    const closed = await waitFor(async () => {
      const entry = (await controlSessions(sandbox)).find((s) => s.id === session.id)
      return entry?.state === 'closed' ? entry : undefined
    }, 5000)
    expect(closed.closedAt! - closed.createdAt).toBeGreaterThanOrEqual(900)
    expect(closed.closedAt! - closed.createdAt).toBeLessThan(1900)
  })

  it('keep_alive restarts the idle countdown', async () => {
    const session = await newSession(sandbox, { activity_idle_timeout: 1 })
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const reply = await call(sandbox, 'POST', '/v1/streaming.keep_alive', {
        token: session.token,
        body: { session_id: session.id },
      })
      expect(reply.status).toBe(200)
    }
    expect((await controlSessions(sandbox)).find((s) => s.id === session.id)?.state).toBe('open')
  })

  it('ends every session at the --session-limit', async () => {
    const limited = await startSandbox({ port: 0, apiKey: API_KEY, sessionLimitSeconds: 2 })
    try {
      const session = await newSession(limited, { activity_idle_timeout: 60 })
      expect(session.data.session_duration_limit).toBe(2)
      const closed = await waitFor(async () => {
        const entry = (await controlSessions(limited)).find((s) => s.id === session.id)
        return entry?.state === 'closed' ? entry : undefined
      }, 6000)
      expect(closed.closedAt! - closed.createdAt).toBeGreaterThanOrEqual(1900)
    } finally {
      await limited.close()
    }
  })
})

describe('sandbox sockets', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  const wsUrl = (path: string): string => `${sandbox.baseUrl.replace('http', 'ws')}${path}`

  function rejection(url: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url)
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      socket.on('open', () => reject(new Error('socket opened')))
      socket.on('error', () => {})
    })
  }

  it('refuses a LiveKit signal socket with an unknown token, and /rtc/validate says why', async () => {
    expect(await rejection(wsUrl('/rtc?access_token=nope&protocol=15'))).toBe(401)
    const validate = await fetch(`${sandbox.baseUrl}/rtc/validate?access_token=nope`)
    expect(validate.status).toBe(401)
  })

  it('sends the join response first, then a subscriber offer with LiveKit-style msids', async () => {
    const session = await newSession(sandbox, { quality: 'medium' })
    const token = session.data.access_token as string
    expect((await fetch(`${sandbox.baseUrl}/rtc/validate?access_token=${token}`)).status).toBe(200)
    const socket = new WebSocket(wsUrl(`/rtc?access_token=${token}&auto_subscribe=1&protocol=15`))
    const messages: SignalResponse[] = []
    socket.on('message', (data) => messages.push(SignalResponse.fromBinary(new Uint8Array(data as Buffer))))
    await waitFor(async () => (messages.some((m) => m.message.case === 'offer') ? true : undefined), 10_000)
    socket.close()
    const [first] = messages
    expect(first?.message.case).toBe('join')
    if (first?.message.case !== 'join') return
    const join = first.message.value
    expect(join.serverInfo?.protocol).toBeGreaterThanOrEqual(14)
    expect(join.serverInfo?.version).toBeTruthy()
    expect(join.subscriberPrimary).toBe(true)
    expect(join.pingInterval).toBeGreaterThan(0)
    expect(join.pingTimeout).toBeGreaterThan(join.pingInterval)
    const avatar = join.otherParticipants[0]!
    expect(avatar.sid).toMatch(/^PA_/)
    expect(avatar.tracks.map((track) => track.type).sort()).toEqual([TrackType.AUDIO, TrackType.VIDEO].sort())
    expect(avatar.tracks.find((track) => track.type === TrackType.VIDEO)).toMatchObject({
      width: 854,
      height: 480,
    })
    const offer = messages.find((m) => m.message.case === 'offer')!
    const sdp = offer.message.case === 'offer' ? offer.message.value.sdp : ''
    for (const track of avatar.tracks) expect(sdp).toContain(`a=msid:${avatar.sid}|${track.sid} `)
    expect(sdp).toMatch(/m=application/)
  })

  it('accepts the chat socket only with the session token; a text frame becomes a talk task', async () => {
    const session = await newSession(sandbox)
    const query = (token: string): string =>
      `/v1/ws/streaming.chat?session_id=${session.id}&session_token=${token}&silence_response=false&push_to_talk=false`
    expect(await rejection(wsUrl(query('wrong')))).toBe(401)
    const socket = new WebSocket(wsUrl(query(session.token)))
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    socket.send(encodeTextFrame('Tell me about yourself'))
    const tasks = await waitFor(async () => {
      const entry = (await controlSessions(sandbox)).find((s) => s.id === session.id)
      return entry && entry.tasks.length > 0 ? entry.tasks : undefined
    }, 5000)
    expect(tasks).toEqual([
      {
        type: 'talk',
        text: 'Tell me about yourself',
        at: expect.any(Number),
        startedAt: expect.toSatisfy((value: unknown) => value === null || typeof value === 'number'),
      },
    ])
    socket.close()
  })

  it('close() ends sessions and leaves no child process and no listener behind', async () => {
    const own = await startSandbox({ port: 0 })
    const token = (
      (await (
        await fetch(`${own.baseUrl}/v1/streaming.create_token`, {
          method: 'POST',
          headers: { 'x-api-key': 'any' },
        })
      ).json()) as {
        data: { token: string }
      }
    ).data.token
    const created = (await (
      await fetch(`${own.baseUrl}/v1/streaming.new`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: '{}',
      })
    ).json()) as { data: { access_token: string } }
    const socket = new WebSocket(
      `${own.baseUrl.replace('http', 'ws')}/rtc?access_token=${created.data.access_token}`,
    )
    socket.on('error', () => {})
    await waitFor(async () => (own.childPids().length >= 2 ? true : undefined), 10_000)
    const pids = own.childPids()
    await own.close()
    expect(own.childPids()).toEqual([])
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
    await expect(fetch(`${own.baseUrl}/__sandbox/health`)).rejects.toThrow()
    expect(own.sessions().every((session) => session.state === 'closed')).toBe(true)
  })
})
