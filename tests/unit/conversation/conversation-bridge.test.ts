import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { startWebHost } from '../../../src/main/web/server'
import type { AnswerStreamEvent } from '../../../src/shared/contract'
import { splitIntoTokens, startFakeOpenAi } from '../../support/fake-openai'
import { send } from '../support/http-client'
import { makeWav } from './wav-fixture'
import { openEvents } from '../support/event-stream'
import { ANSWER, KEY, QUESTION, SYSTEM, useConversationHarness } from './conversation-harness'

const { setUp, tempDir, cleanups } = useConversationHarness()

const wavBase64 = () => makeWav({ ms: 800 }).toString('base64')

describe('conversation over the bridge, against the fake OpenAI server', () => {
  it('transcribes an utterance with the configured model and the key', async () => {
    const { call, fake } = await setUp({ llm: { transcriptionModel: 'whisper-large' } })
    expect(await call('transcribe', { audioBase64: wavBase64(), format: 'wav' })).toEqual({
      ok: true,
      value: { text: QUESTION },
    })
    expect(fake.requests[0]).toMatchObject({
      path: '/v1/audio/transcriptions',
      apiKey: KEY,
      fields: { model: 'whisper-large' },
    })
  })

  it('sends transcription to its own server when one is set', async () => {
    const other = await startFakeOpenAi({ transcript: 'from the speech server' })
    cleanups.push(() => other.close())
    const { call, fake } = await setUp({ llm: { transcriptionBaseUrl: other.baseUrl } })
    expect(await call('transcribe', { audioBase64: wavBase64(), format: 'wav' })).toMatchObject({
      value: { text: 'from the speech server' },
    })
    expect(fake.requests).toHaveLength(0)
    expect(other.requests[0]?.path).toBe('/v1/audio/transcriptions')
  })

  it('refuses a garbage recording without calling the server', async () => {
    const { call, fake } = await setUp()
    const garbage = Buffer.from('this is not a wav file, it is a sentence of plain text').toString('base64')
    expect(await call('transcribe', { audioBase64: garbage, format: 'wav' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    })
    expect(fake.requests).toHaveLength(0)
  })

  it('streams an answer to the asking page: deltas in order, then done with the full text', async () => {
    const { call, settled, events } = await setUp()
    expect(await call('askAssistant', { requestId: 'req-000001', text: QUESTION }, 'web:pageAAAA')).toEqual({
      ok: true,
      value: null,
    })
    const stream = await settled('req-000001')
    const deltas = stream.filter((event) => event.kind === 'delta').map((event) => event.text)
    expect(deltas).toEqual(splitIntoTokens(ANSWER))
    expect(stream.at(-1)).toEqual({ kind: 'done', requestId: 'req-000001', text: ANSWER })
    expect(stream.filter((event) => event.kind !== 'delta')).toHaveLength(1)
    expect(events.every((event) => event.target === 'web:pageAAAA')).toBe(true)
  })

  it('asks the LLM with the system prompt and the history of this visitor only', async () => {
    const { call, settled, fake } = await setUp()
    await call('askAssistant', { requestId: 'req-000001', text: 'First question?' }, 'window:1')
    await settled('req-000001')
    await call('askAssistant', { requestId: 'other-0001', text: 'Someone else asks.' }, 'window:2')
    await settled('other-0001')
    await call('askAssistant', { requestId: 'req-000002', text: 'Second question?' }, 'window:1')
    await settled('req-000002')
    expect(fake.chatMessages()[2]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'First question?' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'Second question?' },
    ])
    expect(fake.chatMessages()[1]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Someone else asks.' },
    ])
  })

  it('applies the turn budget from the settings', async () => {
    const { call, settled, fake } = await setUp({ llm: { maxTurns: 2 } })
    for (let index = 1; index <= 4; index += 1) {
      await call('askAssistant', { requestId: `req-00000${index}`, text: `Question ${index}?` })
      await settled(`req-00000${index}`)
    }
    const users = fake.chatMessages()[3]?.filter((message) => message.role === 'user')
    expect(users?.map((message) => message.content)).toEqual(['Question 3?', 'Question 4?'])
  })

  it('cancelAnswer stops the deltas, aborts the LLM request and sends no error', async () => {
    const { call, of, fake } = await setUp({}, { tokensPerSecond: 8 })
    await call('askAssistant', { requestId: 'req-cancel', text: QUESTION })
    await vi.waitFor(() => expect(of('req-cancel').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 })
    expect(await call('cancelAnswer', { requestId: 'req-cancel' })).toEqual({ ok: true, value: null })
    const count = of('req-cancel').length
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(of('req-cancel')).toHaveLength(count)
    expect(of('req-cancel').every((event) => event.kind === 'delta')).toBe(true)
  })

  it('ignores a cancel from another page or for another request', async () => {
    const { call, settled } = await setUp({}, { tokensPerSecond: 40 })
    await call('askAssistant', { requestId: 'req-keepgoing', text: QUESTION }, 'window:1')
    await call('cancelAnswer', { requestId: 'req-keepgoing' }, 'window:2')
    await call('cancelAnswer', { requestId: 'req-different' }, 'window:1')
    expect((await settled('req-keepgoing')).at(-1)).toMatchObject({ kind: 'done', text: ANSWER })
  })

  it('a new question cancels the one still streaming, and keeps what was said of it in the history', async () => {
    const { call, of, settled, fake } = await setUp({}, { tokensPerSecond: 8 })
    await call('askAssistant', { requestId: 'req-first1', text: 'First?' })
    await vi.waitFor(() => expect(of('req-first1').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 })
    fake.setOptions({ tokensPerSecond: 200 })
    await call('askAssistant', { requestId: 'req-second', text: 'Second?' })
    const heardOfFirst = of('req-first1')
      .map((event) => (event.kind === 'delta' ? event.text : ''))
      .join('')
    expect((await settled('req-second')).at(-1)).toMatchObject({ kind: 'done' })
    expect(of('req-first1').every((event) => event.kind === 'delta')).toBe(true)
    expect(fake.chatMessages()[1]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'First?' },
      { role: 'assistant', content: heardOfFirst },
      { role: 'user', content: 'Second?' },
    ])
  })

  it('a first-token timeout ends in an error event, and the failed question leaves the history', async () => {
    const { call, settled, fake } = await setUp({ llm: { timeouts: { firstTokenMs: 500, totalMs: 5000 } } })
    fake.setOptions({ fault: 'hang' })
    await call('askAssistant', { requestId: 'req-timeout', text: 'Will time out?' })
    const stream = await settled('req-timeout')
    expect(stream).toEqual([
      { kind: 'error', requestId: 'req-timeout', error: { code: 'timeout', message: expect.any(String) } },
    ])
    fake.setOptions({ fault: 'none' })
    await call('askAssistant', { requestId: 'req-after', text: 'Again?' })
    await settled('req-after')
    expect(fake.chatMessages()[1]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Again?' },
    ])
  })

  it('a total timeout after some words ends in an error event too', async () => {
    const { call, settled, fake } = await setUp({ llm: { timeouts: { firstTokenMs: 1000, totalMs: 1500 } } })
    fake.setOptions({ fault: 'slow' })
    await call('askAssistant', { requestId: 'req-slow01', text: 'Slow?' })
    const stream = await settled('req-slow01')
    expect(stream.at(-1)).toMatchObject({ kind: 'error', error: { code: 'timeout' } })
    expect(stream.filter((event) => event.kind === 'delta').length).toBeGreaterThanOrEqual(1)
  })

  it.each([
    ['401', 'unauthorized'],
    ['429', 'rate-limited'],
    ['500', 'llm-error'],
    ['drop-mid-stream', 'llm-error'],
  ] as const)('a %s from the LLM becomes a %s error event', async (fault, code) => {
    const { call, settled, fake } = await setUp()
    fake.setOptions({ fault })
    await call('askAssistant', { requestId: 'req-fault1', text: QUESTION })
    expect((await settled('req-fault1')).at(-1)).toMatchObject({ kind: 'error', error: { code } })
  })

  it('without a key for a remote LLM, the answer fails with not-configured', async () => {
    const { call, settled, services } = await setUp({ llm: { baseUrl: 'https://llm.invalid/v1' } })
    await services.secrets.clear('llmApiKey')
    await call('askAssistant', { requestId: 'req-nokey1', text: QUESTION })
    expect(await settled('req-nokey1')).toEqual([
      {
        kind: 'error',
        requestId: 'req-nokey1',
        error: { code: 'not-configured', message: expect.any(String) },
      },
    ])
  })

  it('endConversation forgets the history', async () => {
    const { call, settled, fake, services } = await setUp()
    await call('askAssistant', { requestId: 'req-000001', text: 'Remember me?' })
    await settled('req-000001')
    expect(services.conversation.historyLength('window:1')).toBe(1)
    expect(await call('endConversation', undefined)).toEqual({ ok: true, value: null })
    expect(services.conversation.historyLength('window:1')).toBe(0)
    await call('askAssistant', { requestId: 'req-000002', text: 'New visitor.' })
    await settled('req-000002')
    expect(fake.chatMessages()[1]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'New visitor.' },
    ])
  })

  it('never puts the key in an event or a log line, and keeps transcripts out of the log by default', async () => {
    const { call, settled, fake, log, events } = await setUp()
    await call('transcribe', { audioBase64: wavBase64(), format: 'wav' })
    await call('askAssistant', { requestId: 'req-000001', text: QUESTION })
    await settled('req-000001')
    fake.setOptions({ fault: '401' })
    await call('transcribe', { audioBase64: wavBase64(), format: 'wav' })
    await call('askAssistant', { requestId: 'req-000002', text: QUESTION })
    await settled('req-000002')
    // The key did go to the server: the check below is not vacuous.
    expect(fake.requests.every((request) => request.apiKey === KEY)).toBe(true)
    expect(JSON.stringify(events)).not.toContain(KEY)
    expect(log()).not.toContain(KEY)
    expect(log()).toMatch(/answer done/)
    expect(log()).toMatch(/answer failed.*unauthorized/)
    expect(log()).toMatch(/transcription failed/)
    expect(log()).not.toContain(QUESTION)
    expect(log()).not.toContain('café is on the first floor')
  })

  it('logs transcripts when the operator turned that on', async () => {
    const { call, settled, log } = await setUp({ conversation: { logTranscripts: true } })
    await call('transcribe', { audioBase64: wavBase64(), format: 'wav' })
    await call('askAssistant', { requestId: 'req-000001', text: 'Logged question?' })
    await settled('req-000001')
    expect(log()).toContain(QUESTION)
    expect(log()).toContain('Logged question?')
    expect(log()).toContain('café is on the first floor')
  })

  it('refuses a malformed request id at the contract', async () => {
    const { call, fake } = await setUp()
    expect(await call('askAssistant', { requestId: 'x', text: QUESTION })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    })
    expect(fake.requests).toHaveLength(0)
  })
})

/** Opens the web host's SSE stream for one client; `received` is its answerStream events so far. */
function openAnswers(port: number, token: string, client: string) {
  const stream = openEvents(port, `token=${token}&client=${client}`)
  return {
    get received(): AnswerStreamEvent[] {
      return stream.events
        .filter((event) => event.name === 'answerStream')
        .map((event) => event.payload as AnswerStreamEvent)
    },
    opened: stream.opened.then(() => undefined),
    close: stream.close,
  }
}

describe('conversation through the web host', () => {
  const TOKEN = 'unit-conversation-token-0123456789abcdef'

  async function startHost(fakeOptions: Parameters<typeof startFakeOpenAi>[0] = {}) {
    const harness = await setUp({}, fakeOptions)
    const rendererDir = join(await tempDir(), 'renderer')
    await mkdir(rendererDir, { recursive: true })
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>')
    const { services } = harness
    const host = await startWebHost({
      services,
      rendererDir,
      port: 0,
      token: TOKEN,
      // What src/main/web/cli.ts does when a page goes away; a short grace, so "gone" comes within the test.
      onClientGone: (clientId) => services.conversation.forget(clientId),
      clientGoneGraceMs: 100,
    })
    cleanups.push(() => host.close())
    const ask = (client: string, requestId: string, text: string) =>
      send({
        port: host.port,
        path: '/api/call/askAssistant',
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Kiosk-Token': TOKEN, 'X-Kiosk-Client': client },
        body: JSON.stringify({ request: { requestId, text } }),
      })
    return { ...harness, port: host.port, ask }
  }

  it('delivers each answer only to the page that asked', async () => {
    const { port, ask } = await startHost()
    const pageA = openAnswers(port, TOKEN, 'pageAAAA1111')
    const pageB = openAnswers(port, TOKEN, 'pageBBBB2222')
    await Promise.all([pageA.opened, pageB.opened])
    expect(JSON.parse((await ask('pageAAAA1111', 'req-pageA1', 'From A?')).body)).toEqual({
      ok: true,
      value: null,
    })
    await ask('pageBBBB2222', 'req-pageB1', 'From B?')
    await vi.waitFor(
      () => {
        expect(pageA.received.at(-1)?.kind).toBe('done')
        expect(pageB.received.at(-1)?.kind).toBe('done')
      },
      { timeout: 10_000 },
    )
    expect(new Set(pageA.received.map((event) => event.requestId))).toEqual(new Set(['req-pageA1']))
    expect(new Set(pageB.received.map((event) => event.requestId))).toEqual(new Set(['req-pageB1']))
    pageA.close()
    pageB.close()
  })

  it('forgets the visitor and stops the answer when the page goes away', async () => {
    const { port, ask, fake, services } = await startHost({ tokensPerSecond: 8 })
    const page = openAnswers(port, TOKEN, 'pageCCCC3333')
    await page.opened
    await ask('pageCCCC3333', 'req-gone01', 'Leaving soon?')
    await vi.waitFor(() => expect(page.received.length).toBeGreaterThanOrEqual(1), { timeout: 10_000 })
    expect(services.conversation.historyLength('web:pageCCCC3333')).toBe(1)
    page.close()
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })
    expect(services.conversation.historyLength('web:pageCCCC3333')).toBe(0)
    expect(services.conversation.activeAnswer('web:pageCCCC3333')).toBeUndefined()
  })
})
