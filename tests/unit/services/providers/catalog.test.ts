import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  CATALOG_MAX_PAGES,
  fetchHeygenCatalog,
  fetchLiveAvatarCatalog,
  mergeById,
  parseHeygenAvatars,
  parseLiveAvatarAvatars,
  parseLiveAvatarContexts,
  parseLiveAvatarVoices,
  readPage,
} from '../../../../src/main/services/providers/catalog'
import { ProviderError } from '../../../../src/main/services/providers/provider-errors'
import { BridgeError } from '../../../../src/shared/result'
import { useLoopbackServers } from '../../support/loopback-server'

const API_KEY = 'la-catalog-key-1234567890'
const serve = useLoopbackServers()

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/json' })
  response.end(JSON.stringify(body))
}

describe('catalogue parsing (lenient)', () => {
  it('maps LiveAvatar avatars, skips entries without an id and ignores unknown fields', () => {
    const items = parseLiveAvatarAvatars(
      [
        {
          id: 'a-1',
          name: 'Wayne',
          preview_url: 'https://cdn.example/w.jpg',
          status: 'ACTIVE',
          extra: { x: 1 },
        },
        { id: 'a-2', name: null, preview_url: 42, status: 'DEPLOYING' },
        { id: 'a-3', name: 'Old', is_expired: true },
        { name: 'no id' },
        'garbage',
      ],
      'own',
    )
    expect(items).toEqual([
      { id: 'a-1', name: 'Wayne', owner: 'own', previewUrl: 'https://cdn.example/w.jpg' },
      { id: 'a-2', name: 'a-2', owner: 'own', description: 'deploying' },
      { id: 'a-3', name: 'Old', owner: 'own', description: 'expired' },
    ])
  })

  it('describes voices by language and gender, and names contexts', () => {
    expect(
      parseLiveAvatarVoices([
        { id: 'v-1', name: 'Ann', language: 'en', gender: 'female', tags: ['warm'] },
        { id: 'v-2', name: 'Bo' },
      ]),
    ).toEqual([
      { id: 'v-1', name: 'Ann', description: 'en, female' },
      { id: 'v-2', name: 'Bo' },
    ])
    expect(parseLiveAvatarContexts([{ id: 'c-1', name: 'Lobby FAQ', created_at: 'x' }, { id: '' }])).toEqual([
      { id: 'c-1', name: 'Lobby FAQ' },
    ])
  })

  it('maps the legacy avatar list, bare or under `avatars`', () => {
    const entry = {
      avatar_id: 'Wayne_20240711',
      pretty_name: 'Wayne',
      normal_preview: 'https://x/p.webp',
      is_public: true,
    }
    const expected = [{ id: 'Wayne_20240711', name: 'Wayne', previewUrl: 'https://x/p.webp' }]
    expect(parseHeygenAvatars([entry])).toEqual(expected)
    expect(parseHeygenAvatars({ avatars: [entry] })).toEqual(expected)
    expect(parseHeygenAvatars({ nope: [] })).toBeUndefined()
  })

  it('reads pages as arrays or {results, next}, and merges by id keeping the first', () => {
    expect(readPage([1, 2])).toEqual({ entries: [1, 2], hasNext: false })
    expect(readPage({ count: 3, next: 'https://x?page=2', results: [1] })).toEqual({
      entries: [1],
      hasNext: true,
    })
    expect(readPage({ results: [1], next: null })).toEqual({ entries: [1], hasNext: false })
    expect(readPage({ items: [] })).toBeUndefined()
    expect(
      mergeById(
        [{ id: 'a', name: 'mine', owner: 'own' }],
        [
          { id: 'a', name: 'public', owner: 'public' },
          { id: 'b', name: 'B' },
        ],
      ),
    ).toEqual([
      { id: 'a', name: 'mine', owner: 'own' },
      { id: 'b', name: 'B' },
    ])
  })
})

describe('fetchLiveAvatarCatalog against a loopback server', () => {
  it('merges own and public avatars across pages, with the key and page parameters', async () => {
    const server = await serve((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x')
      const page = Number(url.searchParams.get('page'))
      if (url.pathname === '/v1/avatars') {
        return json(response, 200, {
          code: 1000,
          data:
            page === 1
              ? { count: 2, next: 'p2', results: [{ id: 'own-1', name: 'Mine 1' }] }
              : { count: 2, next: null, results: [{ id: 'own-2', name: 'Mine 2' }] },
        })
      }
      if (url.pathname === '/v1/avatars/public') {
        return json(response, 200, {
          code: 1000,
          data: {
            count: 2,
            next: null,
            results: [
              { id: 'own-1', name: 'dup' },
              { id: 'pub-1', name: 'Wayne' },
            ],
          },
        })
      }
      json(response, 404, { code: 404 })
    })
    const items = await fetchLiveAvatarCatalog({ baseUrl: server.baseUrl, apiKey: API_KEY }, 'avatars')
    expect(items).toEqual([
      { id: 'own-1', name: 'Mine 1', owner: 'own' },
      { id: 'own-2', name: 'Mine 2', owner: 'own' },
      { id: 'pub-1', name: 'Wayne', owner: 'public' },
    ])
    expect(server.requests.map((request) => request.url).sort()).toEqual([
      '/v1/avatars/public?page=1&page_size=100',
      '/v1/avatars?page=1&page_size=100',
      '/v1/avatars?page=2&page_size=100',
    ])
    for (const request of server.requests) {
      expect(request.method).toBe('GET')
      expect(request.headers['x-api-key']).toBe(API_KEY)
    }
  })

  it('stops paging at the cap even if the provider always says there is more', async () => {
    const server = await serve((request, response) => {
      const page = new URL(request.url ?? '/', 'http://x').searchParams.get('page')
      json(response, 200, { code: 1000, data: { next: 'more', results: [{ id: `c-${page}`, name: 'ctx' }] } })
    })
    const items = await fetchLiveAvatarCatalog({ baseUrl: server.baseUrl, apiKey: API_KEY }, 'contexts')
    expect(items).toHaveLength(CATALOG_MAX_PAGES)
    expect(server.requests).toHaveLength(CATALOG_MAX_PAGES)
  })

  it('lists voices, and maps a refused key to unauthorized and a strange reply to provider-error', async () => {
    const voices = await serve((_request, response) =>
      json(response, 200, { code: 1000, data: [{ id: 'v-1', name: 'Ann', language: 'en' }] }),
    )
    expect(await fetchLiveAvatarCatalog({ baseUrl: voices.baseUrl, apiKey: API_KEY }, 'voices')).toEqual([
      { id: 'v-1', name: 'Ann', description: 'en' },
    ])
    expect(voices.requests[0]?.url).toBe('/v1/voices?page=1&page_size=100')

    const refused = await serve((_request, response) => json(response, 401, { code: 401, message: 'no' }))
    const unauthorized = await fetchLiveAvatarCatalog(
      { baseUrl: refused.baseUrl, apiKey: API_KEY },
      'voices',
    ).catch((error: unknown) => error)
    expect(unauthorized).toBeInstanceOf(ProviderError)
    expect((unauthorized as ProviderError).kind).toBe('unauthorized')

    const strange = await serve((_request, response) =>
      json(response, 200, { code: 1000, data: { what: 1 } }),
    )
    const unexpected = await fetchLiveAvatarCatalog(
      { baseUrl: strange.baseUrl, apiKey: API_KEY },
      'contexts',
    ).catch((error: unknown) => error)
    expect(unexpected).toMatchObject({
      kind: 'provider-error',
      message: 'The avatar service sent an unexpected catalogue reply.',
    })
  })
})

describe('fetchHeygenCatalog', () => {
  it('lists streaming avatars with X-Api-Key', async () => {
    const server = await serve((_request, response) =>
      json(response, 200, {
        code: 100,
        data: [{ avatar_id: 'Anna_public', pretty_name: 'Anna', normal_preview: 'https://p' }],
      }),
    )
    expect(await fetchHeygenCatalog({ baseUrl: server.baseUrl, apiKey: API_KEY }, 'avatars')).toEqual([
      { id: 'Anna_public', name: 'Anna', previewUrl: 'https://p' },
    ])
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/streaming/avatar.list' })
    expect(server.requests[0]?.headers['x-api-key']).toBe(API_KEY)
  })

  it.each(['voices', 'contexts'] as const)(
    'says %s are not supported, without calling the provider',
    async (kind) => {
      const server = await serve((_request, response) => json(response, 500, {}))
      const error = await fetchHeygenCatalog({ baseUrl: server.baseUrl, apiKey: API_KEY }, kind).catch(
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(BridgeError)
      expect((error as BridgeError).code).toBe('not-supported')
      expect(server.requests).toHaveLength(0)
    },
  )

  it('maps an HTTP error to provider-error', async () => {
    const server = await serve((_request, response) => json(response, 500, { code: 10013 }))
    const error = await fetchHeygenCatalog({ baseUrl: server.baseUrl, apiKey: API_KEY }, 'avatars').catch(
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({ kind: 'provider-error', details: { status: 500, providerCode: 10013 } })
  })
})
