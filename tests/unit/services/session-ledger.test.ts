import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { SESSION_LEDGER_FILE, SessionLedger } from '../../../src/main/services/session-ledger'
import { SessionRegistry, type LeftoverRetryPolicy } from '../../../src/main/services/session-registry'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { closedPort, useLoopbackServers, type LoopbackServer } from '../support/loopback-server'
import { memoryLogger, memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

const serve = useLoopbackServers()
const tempDir = useTempDirs()
const KEY = 'la-ledger-key-1234567890'
const FAST_RETRY: LeftoverRetryPolicy = { firstDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 10_000 }

async function provider(): Promise<LoopbackServer> {
  return serve((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end('{"code":1000}')
  })
}

/** One kiosk run on a data folder: a registry with its ledger, as app-services builds it. */
function run(
  dir: string,
  options: { apiKey?: string; leftoverRetry?: LeftoverRetryPolicy; now?: () => number } = {},
) {
  const log = memoryLogger()
  const registry = new SessionRegistry(log, {
    apiKeyFor: async (sandbox) => (sandbox ? 'sandbox-key' : options.apiKey),
    ledger: new SessionLedger(join(dir, SESSION_LEDGER_FILE), log),
    leftoverRetry: options.leftoverRetry ?? FAST_RETRY,
    ...(options.now ? { now: options.now } : {}),
  })
  return { registry, log }
}

async function listed(dir: string): Promise<Record<string, Record<string, unknown>>> {
  const file = JSON.parse(await readFile(join(dir, SESSION_LEDGER_FILE), 'utf8')) as {
    sessions: Record<string, Record<string, unknown>>
  }
  return file.sessions
}

const sessionIdOf = (body: string) => (JSON.parse(body) as { session_id: string }).session_id

describe('the session ledger', () => {
  it('lists a session on disk before its token is handed out, without the API key', async () => {
    const dir = await tempDir()
    const { registry } = run(dir, { apiKey: KEY })
    await registry.loadLedger()
    const lease = await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
      token: 'la-tok',
      sandbox: false,
      sessionId: 'minted-1',
    })
    // Read right after issue resolved: nothing else was awaited, so the write happened before the return.
    expect(await listed(dir)).toEqual({
      [lease]: {
        kind: 'liveavatar',
        baseUrl: 'https://api.liveavatar.com',
        token: 'la-tok',
        sandbox: false,
        sessionId: 'minted-1',
        recordedAt: expect.any(Number) as number,
      },
    })
    expect(await readFile(join(dir, SESSION_LEDGER_FILE), 'utf8')).not.toContain(KEY)
    expect((await stat(join(dir, SESSION_LEDGER_FILE))).mode & 0o777).toBe(0o600)
    // No temporary file is left next to it.
    expect(await readdir(dir)).toEqual([SESSION_LEDGER_FILE])
  })

  it('adds the legacy session id once the page reports it, and forgets the session once reported stopped', async () => {
    const dir = await tempDir()
    const { registry } = run(dir, { apiKey: KEY })
    await registry.loadLedger()
    const lease = await registry.issue('web:a', {
      kind: 'heygen',
      baseUrl: 'https://api.heygen.com',
      token: 'legacy-tok',
      sandbox: false,
    })
    expect((await listed(dir))[lease]).toMatchObject({ token: 'legacy-tok' })
    expect((await listed(dir))[lease]?.sessionId).toBeUndefined()

    registry.report('web:a', lease, 'legacy-1', 'started')
    await vi.waitFor(async () => expect((await listed(dir))[lease]?.sessionId).toBe('legacy-1'))
    registry.report('web:a', lease, 'legacy-1', 'stopped')
    await vi.waitFor(async () => expect(await listed(dir)).toEqual({}))
  })

  it('forgets what the page stopped itself, and keeps what main could not stop for the next start', async () => {
    const dir = await tempDir()
    const server = await provider()
    const { registry } = run(dir, { apiKey: KEY })
    await registry.loadLedger()
    const reachable = { kind: 'liveavatar', baseUrl: server.baseUrl, token: 't', sandbox: false } as const
    const stoppedByPage = await registry.issue('web:a', { ...reachable, sessionId: 'page-stopped' })
    registry.report('web:a', stoppedByPage, 'page-stopped', 'stopped')
    const unreachable = `http://127.0.0.1:${await closedPort()}`
    const kept = await registry.issue('web:b', { ...reachable, baseUrl: unreachable, sessionId: 'offline-1' })
    const gone = await registry.issue('web:c', { ...reachable, sessionId: 'orphan-1' })
    expect(Object.keys(await listed(dir)).sort()).toEqual([gone, kept].sort())

    expect(await registry.stopOrphans('web:c', 'page closed')).toBe(1)
    expect(await registry.stopOrphans('web:b', 'page closed')).toBe(1)
    expect(server.requests.map((request) => sessionIdOf(request.body))).toEqual(['orphan-1'])
    expect(Object.keys(await listed(dir))).toEqual([kept])
  })

  it('after a crash, the next run stops every listed session of both kinds with the right credentials', async () => {
    const dir = await tempDir()
    const server = await provider()
    const sandboxServer = await provider()
    const crashed = run(dir, { apiKey: KEY }).registry
    await crashed.loadLedger()
    const legacy = await crashed.issue('window:1', {
      kind: 'heygen',
      baseUrl: server.baseUrl,
      token: 'legacy-tok',
      sandbox: false,
    })
    crashed.report('window:1', legacy, 'legacy-1', 'started')
    await crashed.issue('window:1', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 'la-tok',
      sandbox: false,
      sessionId: 'la-1',
    })
    // The embedded sandbox died with the crashed process; a legacy token never reported names no session.
    await crashed.issue('window:1', {
      kind: 'liveavatar',
      baseUrl: sandboxServer.baseUrl,
      token: 'sb-tok',
      sandbox: true,
      sessionId: 'sb-1',
    })
    await crashed.issue('window:1', {
      kind: 'heygen',
      baseUrl: server.baseUrl,
      token: 'unused',
      sandbox: false,
    })
    await vi.waitFor(async () => expect((await listed(dir))[legacy]?.sessionId).toBe('legacy-1'))
    expect(server.requests).toEqual([])

    // The crashed registry is simply dropped; a new one on the same folder is the next start.
    const { registry, log } = run(dir, { apiKey: KEY })
    expect(await registry.loadLedger()).toBe(4)
    expect(await registry.stopLeftovers()).toEqual({ stopped: 2, refused: 0, skipped: 2, givenUp: 0 })

    const byUrl = new Map(server.requests.map((request) => [request.url, request]))
    expect([...byUrl.keys()].sort()).toEqual(['/v1/sessions/stop', '/v1/streaming.stop'])
    const legacyStop = byUrl.get('/v1/streaming.stop')
    expect(legacyStop?.headers.authorization).toBe('Bearer legacy-tok')
    expect(sessionIdOf(legacyStop?.body ?? '')).toBe('legacy-1')
    const liveAvatarStop = byUrl.get('/v1/sessions/stop')
    expect(liveAvatarStop?.headers['x-api-key']).toBe(KEY)
    expect(liveAvatarStop?.headers.authorization).toBeUndefined()
    expect(sessionIdOf(liveAvatarStop?.body ?? '')).toBe('la-1')
    expect(sandboxServer.requests).toEqual([])
    expect(await listed(dir)).toEqual({})
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        message: 'leftover sessions swept',
        context: expect.objectContaining({ stopped: 2 }),
      }),
    )
  })

  it('keeps retrying while the network is down, and stops the session once it is back', async () => {
    const dir = await tempDir()
    let refusals = 2
    const server = await serve((_request, response, raw) => {
      // The connection dies without an answer, as it does while the network is down.
      if (refusals-- > 0) return raw.socket.destroy()
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end('{"code":1000}')
    })
    const crashed = run(dir).registry
    await crashed.loadLedger()
    await crashed.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 't',
      sandbox: false,
      sessionId: 'offline-1',
    })

    const { registry, log } = run(dir, { apiKey: KEY })
    await registry.loadLedger()
    expect(await registry.stopLeftovers()).toEqual({ stopped: 1, refused: 0, skipped: 0, givenUp: 0 })
    expect(server.requests).toHaveLength(3)
    expect(log.entries.filter((entry) => entry.message === 'orphan session stop failed')).toHaveLength(2)
    expect(await listed(dir)).toEqual({})
  })

  it('gives up after the retry window and leaves the session listed; a refusal is final', async () => {
    const dir = await tempDir()
    const refusing = await serve((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'application/json' })
      response.end('{"code":4004,"message":"Session not found"}')
    })
    const offline = `http://127.0.0.1:${await closedPort()}`
    const crashed = run(dir).registry
    await crashed.loadLedger()
    const target = { kind: 'liveavatar', token: 't', sandbox: false } as const
    const unreachable = await crashed.issue('web:a', { ...target, baseUrl: offline, sessionId: 'o-1' })
    await crashed.issue('web:a', { ...target, baseUrl: refusing.baseUrl, sessionId: 'r-1' })

    const retry = { firstDelayMs: 10, maxDelayMs: 20, giveUpAfterMs: 100 }
    const { registry } = run(dir, { apiKey: KEY, leftoverRetry: retry })
    await registry.loadLedger()
    expect(await registry.stopLeftovers()).toEqual({ stopped: 0, refused: 1, skipped: 0, givenUp: 1 })
    expect(refusing.requests).toHaveLength(1)
    expect(Object.keys(await listed(dir))).toEqual([unreachable])
  })

  it('ends the retries at shutdown, leaving the rest listed for the next start', async () => {
    const dir = await tempDir()
    const offline = `http://127.0.0.1:${await closedPort()}`
    const crashed = run(dir).registry
    await crashed.loadLedger()
    const lease = await crashed.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: offline,
      token: 't',
      sandbox: false,
      sessionId: 'o-1',
    })
    const { registry } = run(dir, {
      apiKey: KEY,
      leftoverRetry: { firstDelayMs: 60_000, maxDelayMs: 60_000, giveUpAfterMs: 30 * 60_000 },
    })
    await registry.loadLedger()
    const sweep = registry.stopLeftovers()
    await registry.stopAll('shutdown')
    expect(await sweep).toEqual({ stopped: 0, refused: 0, skipped: 0, givenUp: 1 })
    expect(Object.keys(await listed(dir))).toEqual([lease])
  })

  it('drops entries older than any session can live, without a call', async () => {
    const dir = await tempDir()
    const server = await provider()
    let now = Date.parse('2026-01-01T08:00:00Z')
    const crashed = run(dir, { now: () => now }).registry
    await crashed.loadLedger()
    const target = { kind: 'liveavatar', baseUrl: server.baseUrl, token: 't', sandbox: false } as const
    const first = await crashed.issue('web:a', { ...target, sessionId: 'ended-long-ago' })
    crashed.report('web:a', first, 'ended-long-ago', 'started')
    now += 2 * 60 * 60_000
    // Kept alive for a day before the kiosk died: it may still be open, so it is still worth a stop.
    await crashed.issue('web:a', { ...target, sessionId: 'kept-alive' })
    now += 24 * 60 * 60_000

    const { registry } = run(dir, { apiKey: KEY, now: () => now })
    expect(await registry.loadLedger()).toBe(2)
    expect(await registry.stopLeftovers()).toEqual({ stopped: 1, refused: 0, skipped: 1, givenUp: 0 })
    expect(server.requests.map((request) => sessionIdOf(request.body))).toEqual(['kept-alive'])
    expect(await listed(dir)).toEqual({})
  })

  it('keeps a damaged ledger aside and starts over, without failing the start', async () => {
    const dir = await tempDir()
    const damaged = '{"version":1,"sessions":{"a": <<<torn'
    await writeFile(join(dir, SESSION_LEDGER_FILE), damaged)
    const { registry, log } = run(dir, { apiKey: KEY })
    expect(await registry.loadLedger()).toBe(0)
    const copies = (await readdir(dir)).filter((name) => name.startsWith('sessions-ledger.corrupt-'))
    expect(copies).toHaveLength(1)
    expect(await readFile(join(dir, copies[0] ?? ''), 'utf8')).toBe(damaged)
    expect(await listed(dir)).toEqual({})
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'session ledger damaged; kept aside and started over',
      }),
    )
    expect(await registry.stopLeftovers()).toEqual({ stopped: 0, refused: 0, skipped: 0, givenUp: 0 })
    const lease = await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
      token: 't',
      sandbox: false,
      sessionId: 'after',
    })
    expect(Object.keys(await listed(dir))).toEqual([lease])
  })

  it('keeps the readable entries of a partly damaged ledger, and a copy of the file', async () => {
    const dir = await tempDir()
    const server = await provider()
    const good = {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 't',
      sandbox: false,
      sessionId: 'good-1',
      recordedAt: Date.now(),
    }
    await writeFile(
      join(dir, SESSION_LEDGER_FILE),
      JSON.stringify({ version: 1, sessions: { good, bad: { kind: 'other', token: 5 } } }),
    )
    const { registry } = run(dir, { apiKey: KEY })
    expect(await registry.loadLedger()).toBe(1)
    expect((await readdir(dir)).filter((name) => name.startsWith('sessions-ledger.invalid-'))).toHaveLength(1)
    expect(await registry.stopLeftovers()).toMatchObject({ stopped: 1 })
    expect(server.requests.map((request) => sessionIdOf(request.body))).toEqual(['good-1'])
  })

  it('still hands out the token when the ledger cannot be written, and says so in the log', async () => {
    const dir = await tempDir()
    // A plain file where the data folder should be: every write under it fails.
    await writeFile(join(dir, 'not-a-folder'), '')
    const log = memoryLogger()
    const registry = new SessionRegistry(log, {
      ledger: new SessionLedger(join(dir, 'not-a-folder', SESSION_LEDGER_FILE), log),
    })
    await registry.loadLedger()
    const lease = await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
      token: 't',
      sandbox: false,
      sessionId: 's',
    })
    expect(lease).toMatch(/^[0-9a-f-]{36}$/)
    expect(registry.openSessions('web:a')).toEqual([{ sessionId: 's', clientId: 'web:a' }])
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'session ledger not written' }),
    )
  })
})

describe('the start-up sweep in the app services (both hosts)', () => {
  it('a killed run’s LiveAvatar session is stopped by the next start, with the stored key', async () => {
    const dir = await tempDir()
    const server = await provider()
    const first = await createAppServices(nodeHostAdapters(dir, () => {}))
    await first.secrets.set('providerApiKey', KEY)
    await first.sessions.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 'la-tok',
      sandbox: false,
      sessionId: 'killed-1',
    })
    // Killed: close() never runs, so nothing is stopped on the way out.
    expect(server.requests).toEqual([])

    const logs = memorySink()
    const next = await createAppServices(nodeHostAdapters(dir, logs.sink))
    expect(await next.leftoverSessionsSwept).toEqual({ stopped: 1, refused: 0, skipped: 0, givenUp: 0 })
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY)
    expect(sessionIdOf(server.requests[0]?.body ?? '')).toBe('killed-1')
    expect(logs.text()).toContain('[sessions] leftover sessions swept {"stopped":1')
    expect(logs.text()).not.toContain(KEY)
    await next.close()
    await first.close()
  })
})
