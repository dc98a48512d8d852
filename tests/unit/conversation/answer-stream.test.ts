import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { streamAnswer, type StreamAnswerOptions } from '../../../src/main/services/conversation/answer-stream'
import type { ChatMessage } from '../../../src/main/services/conversation/conversation-memory'
import { createLlmClient } from '../../../src/main/services/conversation/llm-client'
import { splitIntoTokens, startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai'

const KEY = 'sk-unit-answer-key-0123456789abcdef'
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Where is the lift?' },
  { role: 'assistant', content: 'To your left.' },
  { role: 'user', content: 'And the toilets?' },
]
const ANSWER = 'The toilets are behind the lift. Follow the blue signs. Have a nice day!'

let fake: FakeOpenAi
let client: OpenAI

beforeEach(async () => {
  fake = await startFakeOpenAi({ answer: ANSWER, tokensPerSecond: 200 })
  client = await createLlmClient(fake.baseUrl, { get: async () => KEY })
})
afterEach(async () => {
  await fake.close()
})

function run(overrides: Partial<StreamAnswerOptions> = {}) {
  const deltas: string[] = []
  const outcome = streamAnswer({
    client,
    model: 'fake-model',
    messages: MESSAGES,
    firstTokenMs: 5000,
    totalMs: 15_000,
    signal: new AbortController().signal,
    onDelta: (text) => deltas.push(text),
    ...overrides,
  })
  return { deltas, outcome }
}

describe('streamAnswer against the fake OpenAI server', () => {
  it('hands on every delta in order and sends the whole history with the key', async () => {
    const { deltas, outcome } = run()
    const result = await outcome
    expect(result).toMatchObject({ kind: 'done', text: ANSWER })
    expect(deltas).toEqual(splitIntoTokens(ANSWER))
    expect(deltas.length).toBeGreaterThan(5)
    expect(fake.chatMessages()).toEqual([MESSAGES])
    const [request] = fake.requests
    expect(request).toMatchObject({ path: '/v1/chat/completions', apiKey: KEY })
    expect(request?.body).toMatchObject({ model: 'fake-model', stream: true })
    expect(request?.body).not.toHaveProperty('temperature')
  })

  it('sends the temperature when one is set', async () => {
    await run({ temperature: 0.3 }).outcome
    expect(fake.requests[0]?.body).toMatchObject({ temperature: 0.3 })
  })

  it('cancel stops the deltas at once, aborts the request and ends without an error', async () => {
    fake.setOptions({ tokensPerSecond: 10 })
    const controller = new AbortController()
    const deltas: string[] = []
    const outcome = streamAnswer({
      client,
      model: 'fake-model',
      messages: MESSAGES,
      firstTokenMs: 5000,
      totalMs: 15_000,
      signal: controller.signal,
      onDelta: (text) => {
        deltas.push(text)
        if (deltas.length === 2) controller.abort()
      },
    })
    const result = await outcome
    expect(result).toEqual({ kind: 'cancelled', text: deltas.join('') })
    expect(deltas).toHaveLength(2)
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(deltas).toHaveLength(2)
  })

  it('does not even ask when cancelled before it started', async () => {
    const controller = new AbortController()
    controller.abort()
    expect(await run({ signal: controller.signal }).outcome).toEqual({ kind: 'cancelled', text: '' })
    expect(fake.requests).toHaveLength(0)
  })

  it('times out when no word arrives in time, and the role-only chunk does not count as one', async () => {
    fake.setOptions({ firstTokenDelayMs: 10_000 })
    const started = performance.now()
    const { deltas, outcome } = run({ firstTokenMs: 400 })
    const result = await outcome
    expect(result).toMatchObject({ kind: 'error', error: { code: 'timeout' } })
    expect(result.kind === 'error' && result.error.message).toMatch(/start answering/)
    expect(deltas).toEqual([])
    expect(performance.now() - started).toBeLessThan(8000)
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })
  })

  it('times out on a server that never answers', async () => {
    fake.setOptions({ fault: 'hang' })
    const result = await run({ firstTokenMs: 400 }).outcome
    expect(result).toMatchObject({ kind: 'error', text: '', error: { code: 'timeout' } })
  })

  it('times out an answer that started but takes too long in total, keeping what came', async () => {
    fake.setOptions({ fault: 'slow' })
    const { deltas, outcome } = run({ firstTokenMs: 1000, totalMs: 1800 })
    const result = await outcome
    expect(result).toMatchObject({ kind: 'error', error: { code: 'timeout' } })
    expect(result.kind === 'error' && result.error.message).toMatch(/finish answering/)
    expect(deltas.length).toBeGreaterThanOrEqual(1)
    expect(deltas.length).toBeLessThan(splitIntoTokens(ANSWER).length)
    expect(result.text).toBe(deltas.join(''))
  })

  it.each([
    ['500', { code: 'llm-error', providerCode: 500 }],
    ['401', { code: 'unauthorized', providerCode: 401 }],
    ['429', { code: 'rate-limited', providerCode: 429, retryAfterMs: 2000 }],
  ] as const)('maps HTTP %s', async (fault, expected) => {
    fake.setOptions({ fault })
    const { deltas, outcome } = run()
    const result = await outcome
    expect(result).toMatchObject({ kind: 'error', error: expected })
    expect(deltas).toEqual([])
    // Our words, not the server's: its text can quote the request or part of a key.
    expect(result.kind === 'error' && result.error.message).not.toMatch(/fake server|Incorrect API key/)
  })

  it('reports a stream that breaks off midway as an llm-error, after the deltas that came', async () => {
    fake.setOptions({ fault: 'drop-mid-stream' })
    const { deltas, outcome } = run()
    const result = await outcome
    expect(result).toMatchObject({
      kind: 'error',
      error: { code: 'llm-error', message: expect.stringMatching(/broke off/) },
    })
    const tokens = splitIntoTokens(ANSWER)
    expect(deltas).toEqual(tokens.slice(0, Math.floor(tokens.length / 2)))
  })

  it('reports an unreachable server', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const unreachable = await createLlmClient(`http://127.0.0.1:${port}/v1`, { get: async () => KEY })
    const result = await run({ client: unreachable }).outcome
    expect(result).toMatchObject({ kind: 'error', error: { code: 'unreachable' } })
  })

  it('treats an empty answer as a failure, so the visitor hears the fallback line', async () => {
    fake.setOptions({ answer: '   ' })
    const result = await run().outcome
    expect(result).toMatchObject({
      kind: 'error',
      error: { code: 'llm-error', message: expect.stringMatching(/empty/) },
    })
  })
})
