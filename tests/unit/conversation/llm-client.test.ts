import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KEYLESS_PLACEHOLDER, createLlmClient } from '../../../src/main/services/conversation/llm-client'
import { BridgeError } from '../../../src/shared/result'
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai'
import { useLoopbackServers } from '../support/loopback-server'

const noKey = { get: async () => undefined }
const serve = useLoopbackServers()

describe('createLlmClient', () => {
  let fake: FakeOpenAi
  beforeEach(async () => {
    fake = await startFakeOpenAi()
  })
  afterEach(async () => {
    await fake.close()
  })

  it('refuses a remote server without a key, before any request', async () => {
    await expect(createLlmClient('https://api.openai.com/v1', noKey)).rejects.toMatchObject({
      code: 'not-configured',
    })
  })

  it('lets a local server go without a key, sending a placeholder', async () => {
    const client = await createLlmClient(fake.baseUrl, noKey)
    await client.models.list()
    expect(fake.requests[0]).toMatchObject({ path: '/v1/models', apiKey: KEYLESS_PLACEHOLDER })
  })

  it('sends the stored key, even to a local server', async () => {
    const key = 'sk-stored-local-key-0123456789'
    const client = await createLlmClient(fake.baseUrl, { get: async () => key })
    await client.models.list()
    expect(fake.requests[0]?.apiKey).toBe(key)
    expect(fake.requests[0]?.headers).not.toHaveProperty('authorization')
  })

  it('turns an unreadable stored key into not-configured without quoting the store', async () => {
    const broken = {
      get: async () => {
        throw new Error('decrypt failed for sk-should-never-show-0123456789')
      },
    }
    const error = await createLlmClient(fake.baseUrl, broken).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'not-configured' })
    expect((error as Error).message).not.toContain('sk-should-never-show')
  })

  it('refuses plain http to another computer before reading the key (a hand-edited settings file)', async () => {
    let keyRead = false
    const secrets = {
      get: async () => {
        keyRead = true
        return 'sk-must-not-travel-0123456789'
      },
    }
    for (const url of ['http://192.168.1.20:8000/v1', 'http://llm.example.test/v1', 'ftp://127.0.0.1/v1']) {
      const error = await createLlmClient(url, secrets).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(BridgeError)
      expect(error).toMatchObject({ code: 'not-configured', message: expect.stringContaining('https') })
    }
    expect(keyRead).toBe(false)
  })

  it('does not follow a redirect, so the key never reaches the host it points to', async () => {
    const key = 'sk-stored-redirect-key-0123456789'
    const elsewhere = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end('{"object":"list","data":[]}')
    })
    const redirecting = await serve((_request, response) => {
      response.writeHead(307, { Location: `${elsewhere.baseUrl}/v1/models` })
      response.end()
    })
    const client = await createLlmClient(`${redirecting.baseUrl}/v1`, { get: async () => key })
    await expect(client.models.list()).rejects.toThrow()
    expect(redirecting.requests).toHaveLength(1)
    expect(redirecting.requests[0]?.headers.authorization).toBe(`Bearer ${key}`)
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('refuses the redirect even when a call asks for redirects to be followed', async () => {
    const elsewhere = await serve((_request, response) => response.end('{"object":"list","data":[]}'))
    const redirecting = await serve((_request, response) => {
      response.writeHead(302, { Location: `${elsewhere.baseUrl}/v1/models` })
      response.end()
    })
    const client = await createLlmClient(`${redirecting.baseUrl}/v1`, {
      get: async () => 'sk-abcdefghijklmnop',
    })
    await expect(client.models.list({ fetchOptions: { redirect: 'follow' } })).rejects.toThrow()
    expect(elsewhere.requests).toHaveLength(0)
  })
})
