import { describe, expect, it, vi } from 'vitest'
import { SessionRegistry, type LeaseTarget } from '../../../src/main/services/session-registry'
import { useLoopbackServers } from '../support/loopback-server'
import { memoryLogger } from '../support/memory-log'

const serve = useLoopbackServers()
const KEY = 'la-registry-key-0987654321'

async function provider() {
  return serve((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end('{"code":1000}')
  })
}

describe('SessionRegistry', () => {
  it('stops a legacy session with streaming.stop and the session token, once the page reported it', async () => {
    const server = await provider()
    const registry = new SessionRegistry(memoryLogger())
    const target: LeaseTarget = {
      kind: 'heygen',
      baseUrl: server.baseUrl,
      token: 'legacy-tok',
      sandbox: false,
    }
    const lease = await registry.issue('window:1', target)
    // Nothing to stop until the page says which session it opened.
    expect(await registry.stopOrphans('window:1', 'renderer gone')).toBe(0)

    const second = await registry.issue('window:1', target)
    registry.report('window:1', second, 'legacy-session-1', 'started')
    expect(registry.openSessions('window:1')).toEqual([
      { sessionId: 'legacy-session-1', clientId: 'window:1' },
    ])
    expect(await registry.stopOrphans('window:1', 'renderer gone')).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/streaming.stop' })
    expect(server.requests[0]?.headers.authorization).toBe('Bearer legacy-tok')
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ session_id: 'legacy-session-1' })
    expect(lease).not.toBe(second)
  })

  it('stops a LiveAvatar session with sessions/stop, the API key and the id minted in main', async () => {
    const server = await provider()
    const apiKeyFor = vi.fn(async (sandbox: boolean) => (sandbox ? 'sandbox-key' : KEY))
    const log = memoryLogger()
    const registry = new SessionRegistry(log, { apiKeyFor })
    await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 'la-tok',
      sandbox: false,
      sessionId: 'minted-1',
    })
    // Known from the mint, before the page reports anything: a crash right after start still gets stopped.
    expect(registry.openSessions()).toEqual([{ sessionId: 'minted-1', clientId: 'web:a' }])
    expect(await registry.stopOrphans('web:a', 'page closed')).toBe(1)
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/sessions/stop' })
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY)
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ session_id: 'minted-1' })
    expect(apiKeyFor).toHaveBeenCalledWith(false)
    expect(JSON.stringify(log.entries)).not.toContain(KEY)
  })

  it('shutdown waits for a stop already on its way (a page that went away just before)', async () => {
    const server = await provider()
    let releaseKey: (key: string) => void = () => undefined
    const registry = new SessionRegistry(memoryLogger(), {
      // The key comes from the secret store, which takes a moment to decrypt.
      apiKeyFor: () => new Promise((resolve) => (releaseKey = resolve)),
    })
    await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 'la-tok',
      sandbox: false,
      sessionId: 'leaving-1',
    })
    void registry.stopOrphans('web:a', 'page closed')
    const shutdown = registry.stopAll('shutdown')
    setTimeout(() => releaseKey(KEY), 50)
    // Nothing left to start at shutdown, but it must not return before the page's stop has been sent.
    expect(await shutdown).toBe(0)
    expect(server.requests.map((request) => request.url)).toEqual(['/v1/sessions/stop'])
  })

  it('uses the sandbox key for sandbox sessions, and the session token when no key is left', async () => {
    const server = await provider()
    const registry = new SessionRegistry(memoryLogger(), {
      apiKeyFor: async (sandbox) => (sandbox ? 'sandbox-key' : undefined),
    })
    const base = { kind: 'liveavatar', baseUrl: server.baseUrl, token: 'la-tok' } as const
    await registry.issue('web:a', { ...base, sandbox: true, sessionId: 's-1' })
    await registry.issue('web:b', { ...base, sandbox: false, sessionId: 's-2' })
    expect(await registry.stopAll('shutdown')).toBe(2)
    const bySession = new Map(
      server.requests.map((request) => [
        (JSON.parse(request.body) as { session_id: string }).session_id,
        request,
      ]),
    )
    expect(bySession.get('s-1')?.headers['x-api-key']).toBe('sandbox-key')
    expect(bySession.get('s-2')?.headers['x-api-key']).toBeUndefined()
    expect(bySession.get('s-2')?.headers.authorization).toBe('Bearer la-tok')
  })

  it('keeps the minted LiveAvatar id when the page reports another, and stops abandoned sessions at once', async () => {
    const server = await provider()
    const log = memoryLogger()
    const registry = new SessionRegistry(log, { apiKeyFor: async () => KEY })
    const lease = await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 't',
      sandbox: false,
      sessionId: 'minted-1',
    })
    registry.report('web:a', lease, 'someone-else', 'abandoned')
    await vi.waitFor(() => expect(server.requests).toHaveLength(1))
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ session_id: 'minted-1' })
    expect(log.entries.map((entry) => entry.message)).toContain(
      'session report names another session than the one minted',
    )
    expect(registry.openSessions()).toEqual([])
  })

  it('stops only sessions this kiosk started, and only the calling client’s', async () => {
    const server = await provider()
    const registry = new SessionRegistry(memoryLogger(), { apiKeyFor: async () => KEY })
    const target = { kind: 'liveavatar', baseUrl: server.baseUrl, token: 't', sandbox: false } as const
    const mine = await registry.issue('web:a', { ...target, sessionId: 'a-1' })
    await registry.issue('web:b', { ...target, sessionId: 'b-1' })
    // A report from another client cannot touch this lease.
    registry.report('web:b', mine, 'a-1', 'stopped')
    expect(registry.openSessions('web:a')).toHaveLength(1)
    registry.report('web:a', mine, 'a-1', 'stopped')
    expect(registry.openSessions('web:a')).toEqual([])
    expect(await registry.stopOrphans('web:a', 'page closed')).toBe(0)
    expect(await registry.stopOrphans('web:b', 'page closed')).toBe(1)
    expect(server.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      { session_id: 'b-1' },
    ])
  })

  it('forgets leases the page never reported after ten minutes', async () => {
    const server = await provider()
    let now = 0
    const registry = new SessionRegistry(memoryLogger(), { apiKeyFor: async () => KEY, now: () => now })
    const target = { kind: 'liveavatar', baseUrl: server.baseUrl, token: 't', sandbox: false } as const
    await registry.issue('web:a', { ...target, sessionId: 'never-started' })
    const reported = await registry.issue('web:a', { ...target, sessionId: 'started' })
    registry.report('web:a', reported, 'started', 'started')
    now = 11 * 60_000
    await registry.issue('web:b', { ...target, sessionId: 'fresh' })
    expect(
      registry
        .openSessions()
        .map((session) => session.sessionId)
        .sort(),
    ).toEqual(['fresh', 'started'])
  })

  it('never sends a stop, with its key, to a plain-http provider off this computer', async () => {
    const fetchImpl = vi.fn(async () => new Response('{}'))
    const registry = new SessionRegistry(memoryLogger(), { apiKeyFor: async () => KEY, fetchImpl })
    await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: 'http://api.example.com',
      token: 't',
      sandbox: false,
      sessionId: 'plain-http',
    })
    await registry.stopAll('shutdown')
    expect(fetchImpl).not.toHaveBeenCalled()
  })

  it('logs a stop that fails without throwing', async () => {
    const log = memoryLogger()
    const fetchImpl = vi.fn(async () => {
      throw new TypeError('fetch failed')
    })
    const registry = new SessionRegistry(log, { apiKeyFor: async () => KEY, fetchImpl })
    await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
      token: 't',
      sandbox: false,
      sessionId: 'x',
    })
    expect(await registry.stopAll('shutdown')).toBe(1)
    expect(fetchImpl).toHaveBeenCalledWith(
      'https://api.liveavatar.com/v1/sessions/stop',
      expect.objectContaining({ method: 'POST', redirect: 'error' }),
    )
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'orphan session stop failed' }),
    )
  })
})
