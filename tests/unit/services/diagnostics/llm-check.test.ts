import type { ServerResponse } from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import { checkLlm } from '../../../../src/main/services/diagnostics/llm-check'
import { closedPort, useLoopbackServers } from '../../support/loopback-server'

const serve = useLoopbackServers()
const KEY = 'sk-llm-diagnostics-0123456789'
const BODY_SECRET = 'llm-body-must-not-show-0815'

function reply(status: number) {
  return (_request: unknown, response: ServerResponse) => {
    response.writeHead(status, { 'Content-Type': 'application/json' })
    response.end(JSON.stringify({ error: { message: `${BODY_SECRET} ${KEY}` } }))
  }
}

function expectNothingSecret(line: object) {
  const text = JSON.stringify(line)
  expect(text).not.toContain(KEY)
  expect(text).not.toContain(BODY_SECRET)
}

describe('checkLlm', () => {
  it('passes on 200 from {baseUrl}/models, sent with the key as a bearer token', async () => {
    const server = await serve(reply(200))
    const line = await checkLlm({ baseUrl: `${server.baseUrl}/v1`, apiKey: KEY, inUse: true })
    expect(line).toMatchObject({ id: 'llm', status: 'pass', fix: '' })
    expect(line.detail).toMatch(/HTTP 200 in \d+ ms/)
    expect(line.latencyMs).toBeGreaterThanOrEqual(0)
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models' })
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
    expectNothingSecret(line)
  })

  it('fails on 401 with a fix about the key', async () => {
    const server = await serve(reply(401))
    const line = await checkLlm({ baseUrl: `${server.baseUrl}/v1`, apiKey: KEY, inUse: true })
    expect(line.status).toBe('fail')
    expect(line.detail).toContain('HTTP 401')
    expect(line.fix).toBe('Check the LLM key in Conversation.')
    expectNothingSecret(line)
  })

  it('fails on 500 with the status code only', async () => {
    const server = await serve(reply(500))
    const line = await checkLlm({ baseUrl: `${server.baseUrl}/v1`, apiKey: KEY, inUse: true })
    expect(line.status).toBe('fail')
    expect(line.detail).toContain('HTTP 500')
    expectNothingSecret(line)
  })

  it('warns when the server is there but has no model list (a URL without its /v1, say)', async () => {
    const server = await serve(reply(404))
    const line = await checkLlm({ baseUrl: server.baseUrl, apiKey: KEY, inUse: true })
    expect(line.status).toBe('warn')
    expect(line.fix).toMatch(/\/v1/)
  })

  it('fails with the URL fix when the port refuses the connection', async () => {
    const line = await checkLlm({
      baseUrl: `http://127.0.0.1:${await closedPort()}/v1`,
      apiKey: KEY,
      inUse: true,
    })
    expect(line.status).toBe('fail')
    expect(line.fix).toBe('Check the LLM URL in Conversation, and that this computer reaches it.')
    expectNothingSecret(line)
  })

  it('fails with a timeout line when the server does not answer in time', async () => {
    const server = await serve(() => undefined)
    const started = Date.now()
    const line = await checkLlm(
      { baseUrl: `${server.baseUrl}/v1`, apiKey: KEY, inUse: true },
      { timeoutMs: 300 },
    )
    expect(Date.now() - started).toBeLessThan(3000)
    expect(line.status).toBe('fail')
    expect(line.detail).toMatch(/No answer within 0.3 s/)
  })

  it('does not follow a redirect', async () => {
    const elsewhere = await serve(reply(200))
    const server = await serve((_request, response) => {
      response.writeHead(307, { Location: `${elsewhere.baseUrl}/v1/models` })
      response.end()
    })
    const line = await checkLlm({ baseUrl: `${server.baseUrl}/v1`, apiKey: KEY, inUse: true })
    expect(line.status).toBe('fail')
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('without a key: warns when the LLM is not in use, fails when it is, and sends nothing', async () => {
    const fetchImpl = vi.fn<typeof fetch>()
    const idle = await checkLlm(
      { baseUrl: 'https://api.openai.com/v1', apiKey: undefined, inUse: false },
      { fetchImpl },
    )
    expect(idle).toMatchObject({ status: 'warn' })
    expect(idle.fix).toMatch(/Set an LLM key in Conversation/)
    const needed = await checkLlm(
      { baseUrl: 'https://api.openai.com/v1', apiKey: undefined, inUse: true },
      { fetchImpl },
    )
    expect(needed).toMatchObject({ status: 'fail', fix: 'Set an LLM key in Conversation.' })
    expect(fetchImpl).not.toHaveBeenCalled()
  })

  it('checks a server on this computer without a key, sending no Authorization header', async () => {
    const server = await serve(reply(200))
    const line = await checkLlm({ baseUrl: `${server.baseUrl}/v1`, apiKey: undefined, inUse: false })
    expect(line.status).toBe('pass')
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('sends nothing to a plain-http URL off this computer', async () => {
    const fetchImpl = vi.fn<typeof fetch>()
    const line = await checkLlm(
      { baseUrl: 'http://llm.example.com/v1', apiKey: KEY, inUse: true },
      { fetchImpl },
    )
    expect(fetchImpl).not.toHaveBeenCalled()
    expect(line.status).toBe('fail')
    expect(line.fix).toMatch(/https/)
  })
})
