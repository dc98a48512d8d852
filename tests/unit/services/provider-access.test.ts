import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ProviderAccess } from '../../../src/main/services/provider-access'
import { SecretStore, filePermissionsOnlyCipher } from '../../../src/main/services/secrets'
import { SettingsService } from '../../../src/main/services/settings'
import { BridgeError } from '../../../src/shared/result'
import { useLoopbackServers } from '../support/loopback-server'
import { memoryLogger } from '../support/memory-log'
import { settingsDocument } from '../support/settings-store'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const serve = useLoopbackServers()
const KEY = 'hg-provider-access-key-5551234'

async function setup() {
  const dir = await tempDir()
  const log = memoryLogger()
  const settings = new SettingsService(settingsDocument(dir), log)
  const secrets = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
  return { settings, secrets, log }
}

describe('ProviderAccess', () => {
  it('is not-configured without a key or sandbox, and says so when a token is asked for', async () => {
    const { settings, secrets, log } = await setup()
    const provider = new ProviderAccess(settings, secrets, log)
    expect(provider.kind()).toBe('not-configured')
    expect(await provider.baseUrl()).toBe('https://api.heygen.com')
    await expect(provider.mintSessionToken()).rejects.toMatchObject({ code: 'not-configured' })
  })

  it('mints from the configured provider with the stored key', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ data: { token: 'tok-1' } }))
    })
    const { settings, secrets, log } = await setup()
    settings.update({ provider: { baseUrl: `${server.baseUrl}/` } })
    await secrets.set('providerApiKey', KEY)
    const sandbox = {
      baseUrl: undefined,
      close: vi.fn(async () => undefined),
      ensureStarted: vi.fn(async () => ({ baseUrl: 'http://127.0.0.1:1', apiKey: 'sandbox' })),
    }
    const provider = new ProviderAccess(settings, secrets, log, sandbox)
    expect(provider.kind()).toBe('configured')
    expect(await provider.mintSessionToken()).toEqual({
      token: 'tok-1',
      baseUrl: server.baseUrl,
      sandbox: false,
    })
    expect(server.requests[0]?.headers['x-api-key']).toBe(KEY)
    expect(sandbox.ensureStarted).not.toHaveBeenCalled()
  })

  it('falls back to the sandbox when no key is set', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ data: { token: 'sandbox-token' } }))
    })
    const { settings, secrets, log } = await setup()
    const sandbox = {
      baseUrl: undefined as string | undefined,
      close: vi.fn(async () => undefined),
      ensureStarted: vi.fn(async () => {
        sandbox.baseUrl = server.baseUrl
        return { baseUrl: server.baseUrl, apiKey: 'sandbox-key' }
      }),
    }
    const provider = new ProviderAccess(settings, secrets, log, sandbox)
    expect(provider.kind()).toBe('sandbox')
    // Until the sandbox runs, the configured URL is all there is; prepare() starts it ahead of the page.
    expect(provider.baseUrl()).toBe('https://api.heygen.com')
    await provider.prepare()
    expect(provider.baseUrl()).toBe(server.baseUrl)
    expect(await provider.mintSessionToken()).toEqual({
      token: 'sandbox-token',
      baseUrl: server.baseUrl,
      sandbox: true,
    })
  })

  it('turns a provider failure into a BridgeError and logs it without the key', async () => {
    const server = await serve((request, response) => {
      response.writeHead(401, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ message: String(request.headers['x-api-key']) }))
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
        context: { kind: 'unauthorized', status: 401, providerCode: 401 },
      }),
    )
    expect(JSON.stringify(log.entries)).not.toContain(KEY)
  })
})
