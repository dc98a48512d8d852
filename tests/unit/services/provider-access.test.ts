import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ProviderAccess } from '../../../src/main/services/provider-access'
import { SecretStore, filePermissionsOnlyCipher } from '../../../src/main/services/secrets'
import { SettingsService } from '../../../src/main/services/settings'
import { BridgeError } from '../../../src/shared/result'
import { useLoopbackServers, type RecordedRequest } from '../support/loopback-server'
import { memoryLogger } from '../support/memory-log'
import { settingsDocument } from '../support/settings-store'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const serve = useLoopbackServers()
const KEY = 'hg-provider-access-key-5551234'
const SESSION_ID = '5d0b7a3c-1111-4222-8333-944455556666'

async function setup() {
  const dir = await tempDir()
  const log = memoryLogger()
  const settings = new SettingsService(settingsDocument(dir), log)
  const secrets = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
  return { settings, secrets, log }
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/json' })
  response.end(JSON.stringify(body))
}

/** Answers both protocols, as the built-in sandbox does. */
function bothProtocols(request: RecordedRequest, response: ServerResponse) {
  if (request.url === '/v1/streaming.create_token')
    return json(response, 200, { data: { token: 'legacy-token' } })
  if (request.url === '/v1/sessions/token') {
    return json(response, 200, { code: 1000, data: { session_id: SESSION_ID, session_token: 'la-token' } })
  }
  json(response, 404, {})
}

function fakeSandbox(baseUrl: string, apiKey = 'sandbox-key') {
  const sandbox = {
    baseUrl: undefined as string | undefined,
    close: vi.fn(async () => undefined),
    ensureStarted: vi.fn(async () => {
      sandbox.baseUrl = baseUrl
      return { baseUrl, apiKey }
    }),
  }
  return sandbox
}

describe('ProviderAccess', () => {
  it('is not-configured without a key or sandbox, and says so when a token is asked for', async () => {
    const { settings, secrets, log } = await setup()
    const provider = new ProviderAccess(settings, secrets, log)
    expect(provider.status()).toEqual({
      kind: 'not-configured',
      providerKind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
    })
    await expect(provider.mintSessionToken()).rejects.toMatchObject({ code: 'not-configured' })
    await expect(provider.listCatalog('avatars')).rejects.toMatchObject({ code: 'not-configured' })
  })

  it('mints a LiveAvatar token from the configured API and keeps the session id in main', async () => {
    const server = await serve(bothProtocols)
    const { settings, secrets, log } = await setup()
    settings.update({ provider: { baseUrl: `${server.baseUrl}/`, liveavatar: { mode: 'lite' } } })
    await secrets.set('providerApiKey', KEY)
    const sandbox = fakeSandbox('http://127.0.0.1:1')
    const provider = new ProviderAccess(settings, secrets, log, sandbox)
    expect(provider.kind()).toBe('configured')
    expect(await provider.mintSessionToken()).toEqual({
      token: { token: 'la-token', baseUrl: server.baseUrl, sandbox: false, kind: 'liveavatar', mode: 'lite' },
      sessionId: SESSION_ID,
    })
    expect(server.requests[0]?.url).toBe('/v1/sessions/token')
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY)
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ mode: 'LITE' })
    expect(sandbox.ensureStarted).not.toHaveBeenCalled()
  })

  it('keeps the legacy kind working as before, on its own default API when the URL is empty', async () => {
    const server = await serve(bothProtocols)
    const { settings, secrets, log } = await setup()
    settings.update({ provider: { kind: 'heygen', baseUrl: server.baseUrl } })
    await secrets.set('providerApiKey', KEY)
    const provider = new ProviderAccess(settings, secrets, log)
    expect(await provider.mintSessionToken()).toEqual({
      token: { token: 'legacy-token', baseUrl: server.baseUrl, sandbox: false, kind: 'heygen' },
    })
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY)
    settings.update({ provider: { baseUrl: '' } })
    expect(provider.baseUrl()).toBe('https://api.heygen.com')
    expect(provider.status().providerKind).toBe('heygen')
  })

  it('falls back to the sandbox when no key is set, speaking the configured kind to it', async () => {
    const server = await serve(bothProtocols)
    const { settings, secrets, log } = await setup()
    const sandbox = fakeSandbox(server.baseUrl)
    const provider = new ProviderAccess(settings, secrets, log, sandbox)
    expect(provider.kind()).toBe('sandbox')
    // Until the sandbox runs, the kind's URL is all there is; prepare() starts it ahead of the page.
    expect(provider.baseUrl()).toBe('https://api.liveavatar.com')
    await provider.prepare()
    expect(provider.baseUrl()).toBe(server.baseUrl)
    expect(provider.cspInput()).toEqual({ providerKind: 'liveavatar', providerBaseUrl: server.baseUrl })
    // A fresh install rehearses LiveAvatar against the sandbox, with the sandbox's key.
    expect(await provider.mintSessionToken()).toEqual({
      token: { token: 'la-token', baseUrl: server.baseUrl, sandbox: true, kind: 'liveavatar', mode: 'full' },
      sessionId: SESSION_ID,
    })
    expect(server.requests.at(-1)?.headers['x-api-key']).toBe('sandbox-key')
    expect(await provider.apiKeyFor(true)).toBe('sandbox-key')
    expect(await provider.apiKeyFor(false)).toBeUndefined()

    settings.update({ provider: { kind: 'heygen' } })
    expect(await provider.mintSessionToken()).toEqual({
      token: { token: 'legacy-token', baseUrl: server.baseUrl, sandbox: true, kind: 'heygen' },
    })
    expect(server.requests.at(-1)?.url).toBe('/v1/streaming.create_token')
  })

  it('asks for CORS help only for a configured LiveAvatar API', async () => {
    const { settings, secrets, log } = await setup()
    const provider = new ProviderAccess(settings, secrets, log, fakeSandbox('http://127.0.0.1:5'))
    expect(provider.corsOrigin()).toBeUndefined()
    await secrets.set('providerApiKey', KEY)
    expect(provider.corsOrigin()).toBe('https://api.liveavatar.com')
    settings.update({ provider: { baseUrl: 'https://eu.liveavatar.example:8443/api' } })
    expect(provider.corsOrigin()).toBe('https://eu.liveavatar.example:8443')
    settings.update({ provider: { kind: 'heygen' } })
    expect(provider.corsOrigin()).toBeUndefined()
  })

  it('lists the catalogue with the key and turns failures into logged BridgeErrors', async () => {
    const server = await serve((request, response) => {
      if (request.url?.startsWith('/v1/contexts')) {
        return json(response, 200, {
          code: 1000,
          data: { next: null, results: [{ id: 'c-1', name: 'FAQ' }] },
        })
      }
      json(response, 429, { code: 429 })
    })
    const { settings, secrets, log } = await setup()
    settings.update({ provider: { baseUrl: server.baseUrl } })
    await secrets.set('providerApiKey', KEY)
    const provider = new ProviderAccess(settings, secrets, log)
    expect(await provider.listCatalog('contexts')).toEqual([{ id: 'c-1', name: 'FAQ' }])
    const error = await provider.listCatalog('voices').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).code).toBe('rate-limited')
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'catalogue request failed' }),
    )
    expect(JSON.stringify(log.entries)).not.toContain(KEY)
  })

  it('turns a provider failure into a BridgeError and logs it without the key', async () => {
    const server = await serve((request, response) => {
      json(response, 401, { message: String(request.headers['x-api-key']) })
    })
    const { settings, secrets, log } = await setup()
    settings.update({ provider: { baseUrl: server.baseUrl } })
    await secrets.set('providerApiKey', KEY)
    const provider = new ProviderAccess(settings, secrets, log)
    const error = await provider.mintSessionToken().catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).code).toBe('unauthorized')
    expect(JSON.stringify((error as BridgeError).toPayload())).not.toContain(KEY)
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        context: {
          kind: 'unauthorized',
          providerKind: 'liveavatar',
          sandbox: false,
          status: 401,
          providerCode: 401,
        },
      }),
    )
    expect(JSON.stringify(log.entries)).not.toContain(KEY)
  })
})
