import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import { createLlmClient } from '../../../src/main/services/conversation/llm-client'
import { SPEECH_SAMPLE_RATE, synthesizePcm } from '../../../src/main/services/conversation/speech-synthesizer'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import type { SettingsPatch } from '../../../src/shared/settings/schema'
import {
  FAKE_SPEECH_SAMPLE_RATE,
  fakeSpeechPcm,
  startFakeOpenAi,
  type FakeOpenAi,
  type FakeOpenAiOptions,
} from '../../support/fake-openai'
import { memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const KEY = 'sk-unit-speech-key-0123456789abcdefXYZ'
const TEXT = 'The café is on the first floor.'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Harness {
  services: AppServices
  fake: FakeOpenAi
  log: () => string
  speak: (requestId: string, text?: string, clientId?: string) => Promise<unknown>
  call: (name: string, request: unknown, clientId?: string) => Promise<unknown>
}

async function setUp(patch: SettingsPatch = {}, fakeOptions: Partial<FakeOpenAiOptions> = {}, key = true) {
  const dir = await tempDir()
  const { sink, text } = memorySink()
  const services = await createAppServices(nodeHostAdapters(dir, sink))
  const fake = await startFakeOpenAi({ speechMsPerChar: 10, ...fakeOptions })
  cleanups.push(async () => {
    await services.close()
    await fake.close()
  })
  services.settings.update({ ...patch, llm: { baseUrl: fake.baseUrl, ...patch.llm } })
  if (key) await services.secrets.set('llmApiKey', KEY)
  const call = (name: string, request: unknown, clientId = 'window:1') =>
    services.dispatch(name, request, { clientId })
  const harness: Harness = {
    services,
    fake,
    log: text,
    call,
    speak: (requestId, speech = TEXT, clientId) =>
      call('synthesizeSpeech', { requestId, text: speech }, clientId),
  }
  return harness
}

describe('synthesizePcm', () => {
  let fake: FakeOpenAi
  afterEach(async () => {
    await fake.close()
  })

  it('asks for PCM with the model and voice, and returns the whole audio', async () => {
    fake = await startFakeOpenAi({ speechMsPerChar: 20 })
    const client = await createLlmClient(fake.baseUrl, { get: async () => KEY })
    const pcm = await synthesizePcm({ client, model: 'tts-x', voice: 'nova', text: TEXT, timeoutMs: 5000 })
    expect(pcm.equals(fakeSpeechPcm(TEXT, 20))).toBe(true)
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/audio/speech',
      apiKey: KEY,
      body: { model: 'tts-x', voice: 'nova', input: TEXT, response_format: 'pcm' },
    })
    expect(SPEECH_SAMPLE_RATE).toBe(FAKE_SPEECH_SAMPLE_RATE)
  })

  it('times out on the first byte, and on audio that never finishes', async () => {
    fake = await startFakeOpenAi({ speechFirstByteDelayMs: 2000 })
    const client = await createLlmClient(fake.baseUrl, { get: async () => KEY })
    const started = performance.now()
    await expect(
      synthesizePcm({ client, model: 'm', voice: 'v', text: TEXT, timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'timeout' })
    expect(performance.now() - started).toBeLessThan(1500)
    fake.setOptions({ speechFirstByteDelayMs: 0, fault: 'hang' })
    await expect(
      synthesizePcm({ client, model: 'm', voice: 'v', text: TEXT, timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'timeout' })
  })

  it.each([
    ['401', 'unauthorized'],
    ['429', 'rate-limited'],
    ['500', 'llm-error'],
    ['drop-mid-stream', 'llm-error'],
  ] as const)('maps the fake’s %s to %s', async (fault, code) => {
    fake = await startFakeOpenAi({ fault, faultOn: 'speech' })
    const client = await createLlmClient(fake.baseUrl, { get: async () => KEY })
    const error = await synthesizePcm({ client, model: 'm', voice: 'v', text: TEXT, timeoutMs: 3000 }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({ code })
    expect(JSON.stringify(error)).not.toContain(KEY)
  })
})

describe('synthesizeSpeech over the bridge', () => {
  it('returns base64 PCM at 24 kHz from the configured speech model and voice', async () => {
    const { speak, fake } = await setUp({ llm: { speech: { model: 'tts-kiosk', voice: 'verse' } } })
    const result = (await speak('speech-1')) as { ok: true; value: { pcmBase64: string; sampleRate: number } }
    expect(result.ok).toBe(true)
    expect(result.value.sampleRate).toBe(24_000)
    const pcm = Buffer.from(result.value.pcmBase64, 'base64')
    expect(pcm.equals(fakeSpeechPcm(TEXT, 10))).toBe(true)
    // Length follows the text: 10 ms per character at 24 kHz, 2 bytes a sample.
    expect(pcm.length).toBe(Math.round((TEXT.length * 10 * 24_000) / 1000) * 2)
    expect(fake.requests[0]?.body).toMatchObject({
      model: 'tts-kiosk',
      voice: 'verse',
      response_format: 'pcm',
    })
    expect(fake.requests[0]?.apiKey).toBe(KEY)
  })

  it('goes to its own server when one is set', async () => {
    const speechServer = await startFakeOpenAi()
    cleanups.push(() => speechServer.close())
    const { services, speak, fake } = await setUp()
    services.settings.update({ llm: { speech: { baseUrl: speechServer.baseUrl } } })
    expect(await speak('own-server-1')).toMatchObject({ ok: true })
    expect(speechServer.requests.map((request) => request.path)).toEqual(['/v1/audio/speech'])
    expect(fake.requests).toHaveLength(0)
  })

  it('cancelAnswer with the same request id aborts every sentence in flight, for that page only', async () => {
    const { services, speak, call, fake } = await setUp({}, { speechFirstByteDelayMs: 5000 })
    const first = speak('answer-1', 'First sentence.')
    const second = speak('answer-1', 'Second sentence.')
    const otherPage = speak('answer-1', 'Another page.', 'window:2')
    await vi.waitFor(() => expect(fake.requests).toHaveLength(3))
    expect(services.conversation.pendingSpeech('window:1')).toBe(2)
    // Another page's cancel, and a cancel for another request, do nothing.
    await call('cancelAnswer', { requestId: 'answer-1' }, 'window:3')
    await call('cancelAnswer', { requestId: 'answer-2' })
    expect(services.conversation.pendingSpeech('window:1')).toBe(2)
    const started = performance.now()
    await call('cancelAnswer', { requestId: 'answer-1' })
    expect(await first).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(await second).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(performance.now() - started).toBeLessThan(2000)
    await vi.waitFor(() =>
      expect(fake.requests.slice(0, 2).every((request) => request.closedBeforeEnd)).toBe(true),
    )
    expect(services.conversation.pendingSpeech('window:1')).toBe(0)
    expect(services.conversation.pendingSpeech('window:2')).toBe(1)
    services.conversation.forget('window:2')
    expect(await otherPage).toMatchObject({ ok: false, error: { code: 'cancelled' } })
  })

  it('times out after llm.speech.timeoutMs', async () => {
    const { speak } = await setUp({ llm: { speech: { timeoutMs: 1000 } } }, { speechFirstByteDelayMs: 4000 })
    const started = performance.now()
    expect(await speak('slow-1')).toMatchObject({ ok: false, error: { code: 'timeout' } })
    expect(performance.now() - started).toBeLessThan(2500)
  })

  it('needs a key for a remote server, but not for one on this machine', async () => {
    const remote = await setUp({ llm: { speech: { baseUrl: 'https://tts.example.test/v1' } } }, {}, false)
    expect(await remote.speak('remote-1')).toMatchObject({ ok: false, error: { code: 'not-configured' } })
    const local = await setUp({}, {}, false)
    expect(await local.speak('local-1')).toMatchObject({ ok: true })
    expect(local.fake.requests[0]?.apiKey).toBe('not-needed')
  })

  it('refuses empty or oversized text and malformed ids at the contract', async () => {
    const { call, fake } = await setUp()
    for (const request of [
      { requestId: 'ok-id-1', text: '   ' },
      { requestId: 'ok-id-1', text: 'x'.repeat(2001) },
      { requestId: 'bad id!', text: 'Hello' },
    ]) {
      expect(await call('synthesizeSpeech', request)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      })
    }
    expect(fake.requests).toHaveLength(0)
  })

  it('keeps the key and the spoken text out of the log by default', async () => {
    const { speak, log } = await setUp()
    await speak('logged-1')
    expect(log()).toContain('speech synthesized')
    expect(log()).not.toContain(KEY)
    expect(log()).not.toContain('first floor')
  })
})
