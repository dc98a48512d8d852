import type OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BridgeError } from '../../../src/shared/result'
import { createLlmClient } from '../../../src/main/services/conversation/llm-client'
import { transcribeWav } from '../../../src/main/services/conversation/transcriber'
import { decodeBase64Audio, readWavHeader } from '../../../src/main/services/conversation/wav'
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai'
import { makeWav } from './wav-fixture'

const KEY = 'sk-unit-transcribe-key-0123456789'

function refusal(action: () => unknown): { code: string; message: string } {
  try {
    action()
  } catch (error) {
    if (error instanceof BridgeError) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a refusal')
}

describe('WAV validation', () => {
  it('reads the header of a 16 kHz mono utterance', () => {
    expect(readWavHeader(makeWav({ ms: 500 }))).toEqual({
      sampleRate: 16_000,
      channels: 1,
      bitsPerSample: 16,
      dataBytes: 16_000,
      durationMs: 500,
    })
  })

  it('accepts a streamed header (size unknown) and skips unknown chunks before the data', () => {
    const wav = makeWav({ ms: 300 })
    wav.writeUInt32LE(0xffffffff, 4)
    wav.writeUInt32LE(0xffffffff, 40)
    expect(readWavHeader(wav).dataBytes).toBe(9600)

    const plain = makeWav({ ms: 300 })
    const list = Buffer.concat([
      Buffer.from('LIST'),
      Buffer.from([5, 0, 0, 0]),
      Buffer.from('INFOx'),
      Buffer.from([0]),
    ])
    const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)])
    withList.writeUInt32LE(withList.length - 8, 4)
    expect(readWavHeader(withList).durationMs).toBe(300)
  })

  it.each([
    ['not a WAV at all', Buffer.from('hello, this is definitely not audio data, no sir, not at all')],
    ['too small', Buffer.from('RIFF')],
    ['wrong form type', Buffer.from(makeWav().toString('latin1').replace('WAVE', 'AVI '), 'latin1')],
    ['truncated', makeWav({ ms: 500 }).subarray(0, 2000)],
    ['too short to transcribe', makeWav({ ms: 50 })],
    ['compressed (not PCM)', makeWav({ format: 85 })],
    ['three channels', makeWav({ channels: 3 })],
    ['an absurd sample rate', makeWav({ sampleRate: 1000, ms: 500 })],
  ])('refuses %s with invalid-request', (_name, wav) => {
    expect(refusal(() => readWavHeader(wav)).code).toBe('invalid-request')
  })

  it('refuses a data chunk before any format chunk, and a file without data', () => {
    const wav = makeWav()
    const noFormat = Buffer.concat([wav.subarray(0, 12), wav.subarray(36)])
    noFormat.writeUInt32LE(noFormat.length - 8, 4)
    expect(refusal(() => readWavHeader(noFormat)).message).toMatch(/format/)
    const noData = Buffer.concat([wav.subarray(0, 36), Buffer.alloc(16)])
    noData.writeUInt32LE(noData.length - 8, 4)
    expect(refusal(() => readWavHeader(noData)).message).toMatch(/no audio data/)
  })

  it('decodes strict base64 only', () => {
    const wav = makeWav({ ms: 200 })
    expect(decodeBase64Audio(wav.toString('base64')).equals(wav)).toBe(true)
    expect(refusal(() => decodeBase64Audio('UklGR!!!')).code).toBe('invalid-request')
    expect(refusal(() => decodeBase64Audio('UklGR')).code).toBe('invalid-request')
  })
})

describe('transcribeWav against the fake OpenAI server', () => {
  let fake: FakeOpenAi
  let client: OpenAI

  beforeEach(async () => {
    fake = await startFakeOpenAi({ transcript: '  Where is the lift?  ' })
    client = await createLlmClient(fake.baseUrl, { get: async () => KEY })
  })
  afterEach(async () => {
    await fake.close()
  })

  const transcribe = (overrides: Partial<Parameters<typeof transcribeWav>[0]> = {}) =>
    transcribeWav({ client, model: 'whisper-1', wav: makeWav({ ms: 700 }), timeoutMs: 5000, ...overrides })

  it('uploads the WAV as multipart with the model and returns the trimmed text', async () => {
    const wav = makeWav({ ms: 700 })
    expect(await transcribe({ wav, model: 'gpt-4o-mini-transcribe' })).toBe('Where is the lift?')
    const [request] = fake.requests
    expect(request).toMatchObject({ method: 'POST', path: '/v1/audio/transcriptions', apiKey: KEY })
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(request?.fields).toMatchObject({ model: 'gpt-4o-mini-transcribe', response_format: 'json' })
    expect(request?.files?.file).toMatchObject({ filename: 'utterance.wav', contentType: 'audio/wav' })
    expect(request?.files?.file?.data.equals(wav)).toBe(true)
  })

  it('hands the audio to a transcript function, so fakes can answer per recording', async () => {
    fake.setOptions({ transcript: (wav) => `got ${wav.length} bytes` })
    expect(await transcribe({ wav: makeWav({ ms: 250 }) })).toBe(`got ${makeWav({ ms: 250 }).length} bytes`)
  })

  it('times out a slow server with a timeout error', async () => {
    fake.setOptions({ transcriptionDelayMs: 10_000 })
    const started = performance.now()
    const error = await transcribe({ timeoutMs: 400 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(BridgeError)
    expect(error).toMatchObject({ code: 'timeout' })
    expect(performance.now() - started).toBeLessThan(8000)
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })
  })

  it('times out a server that never answers', async () => {
    fake.setOptions({ fault: 'hang' })
    await expect(transcribe({ timeoutMs: 400 })).rejects.toMatchObject({ code: 'timeout' })
  })

  it('is cancelled by its signal', async () => {
    fake.setOptions({ transcriptionDelayMs: 10_000 })
    const controller = new AbortController()
    const pending = transcribe({ signal: controller.signal })
    await fake.nextRequest('/v1/audio/transcriptions')
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' })
  })

  it.each([
    ['401', 'unauthorized'],
    ['429', 'rate-limited'],
    ['500', 'llm-error'],
    ['drop-mid-stream', 'unreachable'],
  ] as const)('maps the %s fault to %s, keeping the cause for the log', async (fault, code) => {
    fake.setOptions({ fault })
    const error = await transcribe().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code })
    expect((error as Error).cause).toBeInstanceOf(Error)
    expect((error as Error).message).not.toContain('Incorrect API key')
  })

  it('applies a chat-only fault to chat only', async () => {
    fake.setOptions({ fault: '500', faultOn: 'chat' })
    expect(await transcribe()).toBe('Where is the lift?')
  })
})
