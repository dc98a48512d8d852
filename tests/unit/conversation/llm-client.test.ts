import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  KEYLESS_PLACEHOLDER,
  createLlmClient,
  isLoopbackUrl,
} from '../../../src/main/services/conversation/llm-client'
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai'

const noKey = { get: async () => undefined }

describe('isLoopbackUrl', () => {
  it.each([
    ['http://localhost:11434/v1', true],
    ['http://127.0.0.1:8080/v1', true],
    ['http://127.1.2.3/v1', true],
    ['http://[::1]:8000/v1', true],
    ['http://ollama.localhost/v1', true],
    ['https://api.openai.com/v1', false],
    ['http://192.168.1.20:8000/v1', false],
    ['http://127.0.0.1.evil.test/v1', false],
    ['http://localhost.evil.test/v1', false],
    ['not a url', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback)
  })
})

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
})
