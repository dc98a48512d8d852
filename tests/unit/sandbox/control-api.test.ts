import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_ARMED_FAULTS } from '../../../src/sandbox/faults'
import { startSandbox, type Sandbox } from '../../../src/sandbox/index'

const API_KEY = 'control-api-key'
const FOREIGN = 'https://evil.example'

async function faultCount(sandbox: Sandbox): Promise<unknown> {
  return (await fetch(`${sandbox.baseUrl}/__sandbox/faults`)).json()
}

describe('the control API refuses foreign origins', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it('answers 403 with no CORS headers to reads, preflights and writes from a foreign page', async () => {
    const before = await faultCount(sandbox)
    const replies = await Promise.all([
      fetch(`${sandbox.baseUrl}/__sandbox/sessions`, { headers: { origin: FOREIGN } }),
      fetch(`${sandbox.baseUrl}/__sandbox/health`, { headers: { origin: FOREIGN } }),
      fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
        method: 'OPTIONS',
        headers: { origin: FOREIGN, 'access-control-request-method': 'POST' },
      }),
      fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
        method: 'POST',
        headers: { origin: FOREIGN, 'content-type': 'text/plain' },
        body: JSON.stringify({ type: 'refuse-sessions', on: true }),
      }),
    ])
    for (const reply of replies) {
      expect(reply.status).toBe(403)
      expect(reply.headers.get('access-control-allow-origin')).toBeNull()
      expect(reply.headers.get('access-control-allow-credentials')).toBeNull()
    }
    // The refused POST armed nothing.
    expect(await faultCount(sandbox)).toEqual(before)
  })

  it('echoes an allowed origin exactly, never a wildcard, and serves no-origin clients (tests, curl)', async () => {
    const allowed = await fetch(`${sandbox.baseUrl}/__sandbox/health`, { headers: { origin: 'app://kiosk' } })
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('app://kiosk')
    const plain = await fetch(`${sandbox.baseUrl}/__sandbox/health`)
    expect(plain.status).toBe(200)
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('the control API bounds armed faults', () => {
  it('answers 429 beyond MAX_ARMED_FAULTS, and accepts again once cleared', async () => {
    const sandbox = await startSandbox({ port: 0, apiKey: API_KEY })
    try {
      const fault = { type: 'rest', path: '/v1/never.called', status: 500 }
      for (let i = 0; i < MAX_ARMED_FAULTS; i++) sandbox.injectFault(fault)
      const arm = (): Promise<Response> =>
        fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(fault) })
      expect((await arm()).status).toBe(429)
      expect(() => sandbox.injectFault(fault)).toThrow(/not applied/)
      await fetch(`${sandbox.baseUrl}/__sandbox/faults`, { method: 'DELETE' })
      expect((await arm()).status).toBe(200)
    } finally {
      await sandbox.close()
    }
  })
})

describe('controlApi: false (the kiosk’s embedded sandbox)', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY, controlApi: false })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  it('serves no control route, even to a no-origin client', async () => {
    const replies = await Promise.all([
      fetch(`${sandbox.baseUrl}/__sandbox/health`),
      fetch(`${sandbox.baseUrl}/__sandbox/sessions`),
      fetch(`${sandbox.baseUrl}/__sandbox/faults`),
      fetch(`${sandbox.baseUrl}/__sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify({ type: 'refuse-sessions', on: true }),
      }),
      fetch(`${sandbox.baseUrl}/__sandbox/sessions/x/user-says`, {
        method: 'POST',
        body: JSON.stringify({ text: 'hello' }),
      }),
    ])
    for (const reply of replies) expect(reply.status).toBe(404)
  })

  it('still serves the provider API, and the in-process handle still inspects and injects', async () => {
    const token = await fetch(`${sandbox.baseUrl}/v1/streaming.create_token`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
    })
    expect(token.status).toBe(200)
    expect(sandbox.sessions()).toEqual([])
    sandbox.injectFault({ type: 'refuse-sessions', on: true })
    const { data } = (await token.json()) as { data: { token: string } }
    const refused = await fetch(`${sandbox.baseUrl}/v1/streaming.new`, {
      method: 'POST',
      headers: { authorization: `Bearer ${data.token}` },
      body: '{}',
    })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    sandbox.injectFault({ type: 'refuse-sessions', on: false })
  })
})
