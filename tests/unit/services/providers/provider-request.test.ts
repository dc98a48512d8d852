import { describe, expect, it, vi } from 'vitest'
import { fetchHeygenCatalog, fetchLiveAvatarCatalog } from '../../../../src/main/services/providers/catalog'
import { mintHeygenToken } from '../../../../src/main/services/providers/heygen-token'
import { mintLiveAvatarToken } from '../../../../src/main/services/providers/liveavatar-token'
import {
  assertSecureProviderUrl,
  ProviderError,
  providerRequest,
} from '../../../../src/main/services/providers/provider-errors'
import { BridgeError } from '../../../../src/shared/result'
import { useLoopbackServers } from '../../support/loopback-server'

const API_KEY = 'provider-url-key-1234567890'
const serve = useLoopbackServers()

const tokenBody = {
  mode: 'FULL',
  avatar_id: 'a-1',
  is_sandbox: false,
  video_settings: { quality: 'high' },
} as const

/** Every request main makes with the API key, pointed at `baseUrl`. */
const KEYED_CALLS: [string, (baseUrl: string, fetchImpl?: typeof fetch) => Promise<unknown>][] = [
  [
    'legacy token',
    (baseUrl, fetchImpl) =>
      mintHeygenToken({ baseUrl, apiKey: API_KEY, ...(fetchImpl ? { fetchImpl } : {}) }),
  ],
  [
    'LiveAvatar token',
    (baseUrl, fetchImpl) =>
      mintLiveAvatarToken({ baseUrl, apiKey: API_KEY, body: tokenBody, ...(fetchImpl ? { fetchImpl } : {}) }),
  ],
  [
    'legacy avatar list',
    (baseUrl, fetchImpl) =>
      fetchHeygenCatalog({ baseUrl, apiKey: API_KEY, ...(fetchImpl ? { fetchImpl } : {}) }, 'avatars'),
  ],
  [
    'LiveAvatar voice list',
    (baseUrl, fetchImpl) =>
      fetchLiveAvatarCatalog({ baseUrl, apiKey: API_KEY, ...(fetchImpl ? { fetchImpl } : {}) }, 'voices'),
  ],
]

describe('provider URLs', () => {
  it.each(KEYED_CALLS)(
    '%s: plain http to another computer is refused before anything is sent',
    async (_name, call) => {
      const fetchImpl = vi.fn<typeof fetch>()
      for (const baseUrl of [
        'http://api.liveavatar.com',
        'http://192.168.1.20:4000',
        'http://sandbox.localhost:4000',
      ]) {
        const error = await call(baseUrl, fetchImpl).catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(BridgeError)
        expect(error).toMatchObject({ code: 'not-configured', message: expect.stringContaining('https') })
        expect((error as Error).message).not.toContain(API_KEY)
      }
      expect(fetchImpl).not.toHaveBeenCalled()
    },
  )

  it('lets https anywhere and http on this computer through', () => {
    for (const url of [
      'https://api.liveavatar.com/v1/x',
      'http://127.0.0.1:4000/v1/x',
      'http://localhost:4000',
      'http://[::1]:4000',
    ]) {
      expect(() => assertSecureProviderUrl(url)).not.toThrow()
    }
  })

  it.each(KEYED_CALLS)(
    '%s: a redirect is not followed, so the key never reaches the host it points to',
    async (_name, call) => {
      const elsewhere = await serve((_request, response) => response.end('{"code":1000,"data":{}}'))
      const redirecting = await serve((request, response) => {
        response.writeHead(307, { Location: `${elsewhere.baseUrl}${request.url ?? '/'}` })
        response.end()
      })
      const error = await call(redirecting.baseUrl).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ProviderError)
      expect(error).toMatchObject({ kind: 'unreachable' })
      expect(redirecting.requests.length).toBeGreaterThan(0)
      expect(elsewhere.requests).toHaveLength(0)
    },
  )

  it('sends redirect: error with every request', async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => new Response('{}', { status: 200 }))
    await providerRequest({ url: 'https://api.liveavatar.com/v1/x', method: 'GET', headers: {}, fetchImpl })
    expect(fetchImpl.mock.calls[0]?.[1]).toMatchObject({ redirect: 'error' })
  })
})
