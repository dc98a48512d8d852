import type { ServerResponse } from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import { checkProvider } from '../../../../src/main/services/diagnostics/provider-check'
import { closedPort, useLoopbackServers } from '../../support/loopback-server'

const serve = useLoopbackServers()
const KEY = 'la-diagnostics-key-0123456789'
const BODY_SECRET = 'body-must-not-show-4711'

function reply(status: number) {
  return (_request: unknown, response: ServerResponse) => {
    response.writeHead(status, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify({ message: BODY_SECRET, echoedKey: KEY }))
  }
}

const configured = (baseUrl: string, kind: 'liveavatar' | 'heygen' = 'liveavatar') =>
  ({ availability: 'configured', kind, baseUrl, apiKey: KEY }) as const

function expectNothingSecret(line: object) {
  const text = JSON.stringify(line)
  expect(text).not.toContain(KEY)
  expect(text).not.toContain(BODY_SECRET)
}

describe('checkProvider', () => {
  it('passes on 200 with the status and latency, after one small keyed GET that opens no session', async () => {
    const server = await serve(reply(200))
    const line = await checkProvider(configured(server.baseUrl))
    expect(line).toMatchObject({ id: 'provider', status: 'pass', fix: '' })
    expect(line.detail).toMatch(/HTTP 200 in \d+ ms/)
    expect(line.latencyMs).toBeGreaterThanOrEqual(0)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/voices?page=1&page_size=1' })
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY)
    expectNothingSecret(line)
  })

  it('asks the legacy API for its list of open sessions', async () => {
    const server = await serve(reply(200))
    const line = await checkProvider(configured(server.baseUrl, 'heygen'))
    expect(line.status).toBe('pass')
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/streaming.list' })
  })

  it('fails on 401 with a fix about the key, never showing the key or the body', async () => {
    const server = await serve(reply(401))
    const line = await checkProvider(configured(server.baseUrl))
    expect(line.status).toBe('fail')
    expect(line.detail).toContain('HTTP 401')
    expect(line.fix).toMatch(/API key/)
    expectNothingSecret(line)
  })

  it('fails on 500 with the status code only', async () => {
    const server = await serve(reply(500))
    const line = await checkProvider(configured(server.baseUrl))
    expect(line.status).toBe('fail')
    expect(line.detail).toContain('HTTP 500')
    expect(line.fix).not.toBe('')
    expectNothingSecret(line)
  })

  it('fails, without throwing, when the port refuses the connection', async () => {
    const line = await checkProvider(configured(`http://127.0.0.1:${await closedPort()}`))
    expect(line.status).toBe('fail')
    expect(line.detail).toMatch(/cannot be reached/i)
    expect(line.fix).toMatch(/Service URL/)
  })

  it('fails with a timeout line when the server does not answer in time', async () => {
    const server = await serve(() => undefined)
    const started = Date.now()
    const line = await checkProvider(configured(server.baseUrl), { timeoutMs: 300 })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(line.status).toBe('fail')
    expect(line.detail).toMatch(/No answer within 0.3 s/)
  })

  it('does not follow a redirect, which would carry the key elsewhere', async () => {
    const elsewhere = await serve(reply(200))
    const server = await serve((_request, response) => {
      response.writeHead(302, { Location: `${elsewhere.baseUrl}/v1/voices` })
      response.end()
    })
    const line = await checkProvider(configured(server.baseUrl))
    expect(line.status).toBe('fail')
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('sends nothing to a plain-http URL off this computer', async () => {
    const fetchImpl = vi.fn<typeof fetch>()
    const line = await checkProvider(configured('http://avatar.example.com'), { fetchImpl })
    expect(fetchImpl).not.toHaveBeenCalled()
    expect(line.status).toBe('fail')
    expect(line.fix).toMatch(/https/)
  })

  it('passes for the built-in sandbox and fails without any key', async () => {
    expect(await checkProvider({ availability: 'sandbox' })).toMatchObject({ status: 'pass' })
    expect((await checkProvider({ availability: 'sandbox' })).detail).toMatch(/built-in sandbox/)
    const missing = await checkProvider({ availability: 'not-configured' })
    expect(missing).toMatchObject({ status: 'fail', fix: 'Add the API key in Avatar service.' })
  })
})
