import type { Session } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  installProviderCors,
  providerCorsRewrite,
  type ReceivedHeaders,
} from '../../../src/main/electron/provider-cors'

vi.mock('electron', () => ({ session: {} }))

const ORIGIN = 'https://api.liveavatar.com'

function received(overrides: Partial<ReceivedHeaders> = {}): ReceivedHeaders {
  return {
    url: `${ORIGIN}/v1/sessions/start`,
    method: 'POST',
    statusCode: 201,
    statusLine: 'HTTP/1.1 201 Created',
    responseHeaders: {
      'content-type': ['application/json'],
      'access-control-allow-origin': ['*'],
      'Access-Control-Allow-Headers': ['X-Other'],
      'x-ratelimit-remaining': ['4'],
    },
    ...overrides,
  }
}

describe('providerCorsRewrite', () => {
  it('answers for our exact origin with credentials, replacing the provider’s own CORS headers', () => {
    expect(providerCorsRewrite(received(), ORIGIN)).toEqual({
      responseHeaders: {
        'content-type': ['application/json'],
        'x-ratelimit-remaining': ['4'],
        'Access-Control-Allow-Origin': ['app://kiosk'],
        'Access-Control-Allow-Credentials': ['true'],
        'Access-Control-Allow-Headers': [CORS_ALLOWED_HEADERS],
        'Access-Control-Allow-Methods': [CORS_ALLOWED_METHODS],
        'Access-Control-Max-Age': ['600'],
      },
    })
    expect(CORS_ALLOWED_HEADERS).toBe('Authorization, Content-Type')
    expect(CORS_ALLOWED_METHODS).toContain('POST')
  })

  it('turns a refused preflight into 204, and leaves a successful one’s status alone', () => {
    const refused = providerCorsRewrite(
      received({ method: 'OPTIONS', statusCode: 405, statusLine: 'HTTP/1.1 405 Method Not Allowed' }),
      ORIGIN,
    )
    expect(refused?.statusLine).toBe('HTTP/1.1 204 No Content')
    expect(refused?.responseHeaders['Access-Control-Allow-Origin']).toEqual(['app://kiosk'])
    const fine = providerCorsRewrite(
      received({ method: 'OPTIONS', statusCode: 200, statusLine: 'HTTP/1.1 200 OK' }),
      ORIGIN,
    )
    expect(fine).not.toHaveProperty('statusLine')
    // A failed real request keeps its status: the SDK must see the provider's error.
    const failed = providerCorsRewrite(
      received({ statusCode: 401, statusLine: 'HTTP/1.1 401 Unauthorized' }),
      ORIGIN,
    )
    expect(failed).not.toHaveProperty('statusLine')
    expect(failed?.responseHeaders['Access-Control-Allow-Credentials']).toEqual(['true'])
  })

  it.each([
    ['another host', 'https://api.heygen.com/v1/streaming.new'],
    ['a look-alike host', 'https://api.liveavatar.com.evil.example/v1/sessions/start'],
    ['another scheme', 'http://api.liveavatar.com/v1/sessions/start'],
    ['another port', 'https://api.liveavatar.com:8443/v1/sessions/start'],
    ['LiveKit', 'https://heygen-abc.livekit.cloud/settings/regions'],
    ['our own page', 'app://kiosk/index.html'],
    ['not a URL', 'nonsense'],
  ])('leaves %s alone', (_label, url) => {
    expect(providerCorsRewrite(received({ url }), ORIGIN)).toBeUndefined()
  })

  it('touches nothing when no provider origin is configured', () => {
    expect(providerCorsRewrite(received(), undefined)).toBeUndefined()
  })

  it('copes with a response without headers', () => {
    const { responseHeaders: _omitted, ...bare } = received()
    expect(providerCorsRewrite(bare, ORIGIN)?.responseHeaders['Access-Control-Allow-Origin']).toEqual([
      'app://kiosk',
    ])
  })
})

describe('installProviderCors', () => {
  it('installs one listener that re-reads the origin for every response', () => {
    let listener: ((details: ReceivedHeaders, callback: (response: unknown) => void) => void) | undefined
    const onHeadersReceived = vi.fn((_filter: unknown, handler: typeof listener) => (listener = handler))
    const session = { webRequest: { onHeadersReceived } } as unknown as Session
    let origin: string | undefined = ORIGIN
    installProviderCors(session, () => origin)
    expect(onHeadersReceived).toHaveBeenCalledTimes(1)
    expect(onHeadersReceived.mock.calls[0]?.[0]).toEqual({ urls: ['http://*/*', 'https://*/*'] })

    const callback = vi.fn()
    listener?.(received(), callback)
    expect(callback).toHaveBeenLastCalledWith(
      expect.objectContaining({
        responseHeaders: expect.objectContaining({
          'Access-Control-Allow-Origin': ['app://kiosk'],
        }) as unknown,
      }),
    )
    // The operator switched to another provider: the same listener now passes the old origin through.
    origin = 'https://eu.liveavatar.example'
    listener?.(received(), callback)
    expect(callback).toHaveBeenLastCalledWith({})
    listener?.(received({ url: 'https://eu.liveavatar.example/v1/sessions/stop' }), callback)
    expect(callback).toHaveBeenLastCalledWith(
      expect.objectContaining({ responseHeaders: expect.any(Object) as unknown }),
    )
  })
})
