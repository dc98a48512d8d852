import type { ServerResponse } from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import { mintHeygenToken as mintToken } from '../../../../src/main/services/providers/heygen-token'
import {
  PROVIDER_TIMEOUT_MS as TOKEN_TIMEOUT_MS,
  ProviderError,
  providerErrorToBridgeError,
} from '../../../../src/main/services/providers/provider-errors'
import { BridgeError } from '../../../../src/shared/result'
import { closedPort, useLoopbackServers } from '../../support/loopback-server'

const API_KEY = 'hg-live-key-DO-NOT-LEAK-8f3a9c1e'
const serve = useLoopbackServers()

function reply(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  response.end(body)
}

/** Every failure must be a ProviderError whose text (and kiosk message) never contains the key. */
async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected mintToken to fail')
    },
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  const bridge = providerErrorToBridgeError(providerError)
  expect(bridge).toBeInstanceOf(BridgeError)
  for (const text of [
    providerError.message,
    String(providerError.stack),
    JSON.stringify(providerError),
    JSON.stringify(providerError.details),
    bridge.message,
    JSON.stringify(bridge.toPayload()),
  ]) {
    expect(text).not.toContain(API_KEY)
    expect(text).not.toContain('DO-NOT-LEAK')
  }
  return providerError
}

describe('mintToken against a loopback server', () => {
  it('POSTs {} as JSON to /v1/streaming.create_token with X-Api-Key and returns the token', async () => {
    const server = await serve((_request, response) =>
      reply(response, 200, JSON.stringify({ code: 100, data: { token: 'session-abc' }, message: 'ok' })),
    )
    await expect(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY })).resolves.toBe('session-abc')
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/v1/streaming.create_token')
    expect(request?.headers['x-api-key']).toBe(API_KEY)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.body).toBe('{}')
    expect(request?.headers.authorization).toBeUndefined()
  })

  it('does not follow a redirect, so the key never travels to another host', async () => {
    const elsewhere = await serve((_request, response) => reply(response, 200, '{"data":{"token":"stolen"}}'))
    const server = await serve((_request, response) => {
      response.writeHead(307, { Location: `${elsewhere.baseUrl}/v1/streaming.create_token` })
      response.end()
    })
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('unreachable')
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('maps HTTP 401 to unauthorized, even when the body echoes the key', async () => {
    const server = await serve((request, response) =>
      reply(response, 401, JSON.stringify({ message: `bad key ${String(request.headers['x-api-key'])}` })),
    )
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('unauthorized')
    expect(error.details).toMatchObject({ status: 401, providerCode: 401 })
    expect(providerErrorToBridgeError(error).code).toBe('unauthorized')
    expect(providerErrorToBridgeError(error).message).toBe(
      'The avatar service rejected the API key. Check it in the admin settings.',
    )
  })

  it.each([400112, '400112'])('maps HTTP 400 with provider code %j to unauthorized', async (code) => {
    const server = await serve((_request, response) =>
      reply(response, 400, JSON.stringify({ code, message: `Unauthorized: ${API_KEY}` })),
    )
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('unauthorized')
    expect(error.details).toEqual({ status: 400, providerCode: code })
  })

  it('maps 429 with Retry-After seconds to rate-limited with retryAfterMs', async () => {
    const server = await serve((_request, response) =>
      reply(response, 429, JSON.stringify({ code: 10007, message: 'slow down' }), { 'Retry-After': '7' }),
    )
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('rate-limited')
    expect(error.details.retryAfterMs).toBe(7000)
    const bridge = providerErrorToBridgeError(error).toPayload()
    expect(bridge).toMatchObject({ code: 'rate-limited', retryAfterMs: 7000 })
  })

  it('reads a Retry-After HTTP date relative to now', async () => {
    const server = await serve((_request, response) =>
      reply(response, 429, '{}', { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
    )
    const nowSpy = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('Wed, 21 Oct 2015 07:27:30 GMT'))
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    nowSpy.mockRestore()
    expect(error.kind).toBe('rate-limited')
    expect(error.details.retryAfterMs).toBe(30_000)
  })

  it('leaves retryAfterMs out when 429 has no usable Retry-After', async () => {
    const server = await serve((_request, response) =>
      reply(response, 429, 'busy', { 'Retry-After': 'soon-ish' }),
    )
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('rate-limited')
    expect(error.details.retryAfterMs).toBeUndefined()
    expect(providerErrorToBridgeError(error).toPayload()).not.toHaveProperty('retryAfterMs')
  })

  it('maps 500 with a provider code to provider-error carrying that code', async () => {
    const server = await serve((_request, response) =>
      reply(response, 500, JSON.stringify({ code: 10013, message: `internal; key=${API_KEY}` })),
    )
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('provider-error')
    expect(error.details).toEqual({ status: 500, providerCode: 10013 })
    expect(providerErrorToBridgeError(error).toPayload()).toEqual({
      code: 'provider-error',
      message: 'The avatar service reported a problem (code 10013).',
      providerCode: 10013,
    })
  })

  it('maps 503 without a JSON body to provider-error naming the HTTP status', async () => {
    const server = await serve((_request, response) => reply(response, 503, '<html>maintenance</html>'))
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('provider-error')
    expect(providerErrorToBridgeError(error).message).toBe(
      'The avatar service reported a problem (HTTP 503).',
    )
  })

  it('times out when the server never answers', async () => {
    const server = await serve(() => {
      /* never answers */
    })
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY, timeoutMs: 500 }))
    expect(error.kind).toBe('timeout')
    expect(error.message).toBe('The avatar service did not answer within 0.5 s.')
    expect(providerErrorToBridgeError(error).code).toBe('timeout')
  })

  it.each([
    ['malformed JSON', '{"data": {"token": '],
    ['no token', JSON.stringify({ code: 100, data: {} })],
    ['an empty token', JSON.stringify({ data: { token: '' } })],
    ['an empty body', ''],
  ])('maps a 200 with %s to provider-error', async (_label, body) => {
    const server = await serve((_request, response) => reply(response, 200, body))
    const error = await failureOf(mintToken({ baseUrl: server.baseUrl, apiKey: API_KEY }))
    expect(error.kind).toBe('provider-error')
    expect(error.message).toBe('The avatar service sent an unexpected reply to the token request.')
  })

  it('maps a closed port to unreachable', async () => {
    const port = await closedPort()
    const error = await failureOf(mintToken({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY }))
    expect(error.kind).toBe('unreachable')
    expect(providerErrorToBridgeError(error).toPayload()).toEqual({
      code: 'unreachable',
      message: 'Cannot reach the avatar service. Check the network connection.',
    })
  })

  it('uses a 10 s timeout by default', async () => {
    expect(TOKEN_TIMEOUT_MS).toBe(10_000)
    const timeout = vi.spyOn(AbortSignal, 'timeout')
    const fetchImpl = vi.fn(async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    })
    const error = await failureOf(
      mintToken({ baseUrl: 'https://api.heygen.com', apiKey: API_KEY, fetchImpl }),
    )
    expect(timeout).toHaveBeenCalledWith(10_000)
    expect(error.kind).toBe('timeout')
    expect(error.message).toBe('The avatar service did not answer within 10 s.')
    expect(fetchImpl).toHaveBeenCalledWith(
      'https://api.heygen.com/v1/streaming.create_token',
      expect.objectContaining({ method: 'POST', body: '{}' }),
    )
  })
})

describe('providerErrorToBridgeError', () => {
  it('gives a short kiosk message for every kind', () => {
    const kinds = ['unauthorized', 'rate-limited', 'unreachable', 'timeout', 'provider-error'] as const
    for (const kind of kinds) {
      const bridge = providerErrorToBridgeError(new ProviderError(kind, `raw ${API_KEY}`))
      expect(bridge.code).toBe(kind)
      expect(bridge.message.length).toBeGreaterThan(10)
      expect(bridge.message.length).toBeLessThan(100)
      expect(bridge.message).not.toContain(API_KEY)
    }
  })
})
