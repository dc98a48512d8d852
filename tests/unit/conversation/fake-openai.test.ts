import OpenAI from 'openai'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  FAKE_SPEECH_SAMPLE_RATE,
  fakeSpeechPcm,
  parseMultipart,
  splitIntoTokens,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../../support/fake-openai'

let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const clientFor = (server: FakeOpenAi) =>
  new OpenAI({ apiKey: 'sk-fake-self-test', baseURL: server.baseUrl, maxRetries: 0 })

describe('splitIntoTokens', () => {
  it('splits words with their following space and gives the text back when joined', () => {
    expect(splitIntoTokens('Hello there, friend.')).toEqual(['Hello ', 'there, ', 'friend.'])
    const text = '  Leading space.\nNew line  and  double spaces. '
    expect(splitIntoTokens(text).join('')).toBe(text)
  })

  it('streams CJK one character at a time', () => {
    expect(splitIntoTokens('你好。OK')).toEqual(['你', '好', '。OK'])
  })
})

describe('parseMultipart', () => {
  it('reads text fields and files', () => {
    const body = Buffer.from(
      '--XyZ\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--\r\n' +
        '--XyZ--\r\n',
    )
    const parsed = parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(parsed.fields).toEqual({ model: 'whisper-1' })
    expect(parsed.files.file).toMatchObject({ filename: 'a.wav', contentType: 'audio/wav' })
    expect(parsed.files.file?.data.toString()).toBe('RIFF\r\n--')
  })
})

describe('startFakeOpenAi', () => {
  it('listens on loopback and streams at roughly the configured token rate', async () => {
    fake = await startFakeOpenAi({
      answer: Array.from({ length: 20 }, (_, index) => `w${index}`).join(' '),
      tokensPerSecond: 40,
    })
    expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    const started = performance.now()
    const stream = await clientFor(fake).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    })
    const arrivals: number[] = []
    for await (const chunk of stream)
      if (chunk.choices[0]?.delta?.content) arrivals.push(performance.now() - started)
    expect(arrivals).toHaveLength(20)
    // 20 tokens at 40/s: the last one no sooner than about 19 intervals of 25 ms.
    expect(arrivals.at(-1)).toBeGreaterThanOrEqual(19 * 25 - 30)
  })

  it('answers from a function of the messages, and without streaming too', async () => {
    fake = await startFakeOpenAi({ answer: (messages) => `You said ${String(messages.at(-1)?.content)}` })
    const completion = await clientFor(fake).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'ping' }],
    })
    expect(completion.choices[0]?.message.content).toBe('You said ping')
    expect(fake.chatMessages()).toEqual([[{ role: 'user', content: 'ping' }]])
    expect(fake.requests[0]?.apiKey).toBe('sk-fake-self-test')
  })

  it('hands out recorded requests to waiters, and close ends hanging connections', async () => {
    fake = await startFakeOpenAi({ fault: 'hang' })
    const pending = clientFor(fake).chat.completions.create({ model: 'm', messages: [], stream: true })
    pending.catch(() => {})
    const request = await fake.nextRequest('/v1/chat/completions')
    expect(request.body).toMatchObject({ model: 'm', stream: true })
    await fake.close()
    await expect(pending).rejects.toBeDefined()
    await vi.waitFor(() => expect(request.closedBeforeEnd).toBe(true))
    fake = undefined
  })

  it('speaks PCM: a tone as long as the text, after the configured first-byte delay', async () => {
    fake = await startFakeOpenAi({ speechFirstByteDelayMs: 300, speechMsPerChar: 50 })
    const started = performance.now()
    const response = await clientFor(fake).audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: 'Twenty characters!!!',
      response_format: 'pcm',
    })
    const firstByteMs = performance.now() - started
    const pcm = Buffer.from(await response.arrayBuffer())
    expect(firstByteMs).toBeGreaterThanOrEqual(290)
    // 20 characters at 50 ms each: one second of 16-bit mono at 24 kHz.
    expect(pcm.length).toBe(FAKE_SPEECH_SAMPLE_RATE * 2)
    expect(pcm.equals(fakeSpeechPcm('Twenty characters!!!', 50))).toBe(true)
    const peak = Math.max(...Array.from({ length: 200 }, (_, index) => Math.abs(pcm.readInt16LE(index * 2))))
    expect(peak).toBeGreaterThan(5000)
    const request = await fake.nextRequest('/v1/audio/speech')
    expect(request.body).toEqual({
      model: 'tts-1',
      voice: 'alloy',
      input: 'Twenty characters!!!',
      response_format: 'pcm',
    })
    expect(request.apiKey).toBe('sk-fake-self-test')
  })

  it('refuses speech formats other than pcm, and applies faults only where they are aimed', async () => {
    fake = await startFakeOpenAi({ fault: '500', faultOn: 'speech' })
    const speech = await fetch(`${fake.baseUrl}/audio/speech`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', voice: 'v', input: 'hi', response_format: 'pcm' }),
    })
    expect(speech.status).toBe(500)
    const chat = await clientFor(fake).chat.completions.create({ model: 'm', messages: [] })
    expect(chat.choices[0]?.message.content).toBeTruthy()
    fake.setOptions({ fault: 'none' })
    const mp3 = await fetch(`${fake.baseUrl}/audio/speech`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', voice: 'v', input: 'hi', response_format: 'mp3' }),
    })
    expect(mp3.status).toBe(400)
  })

  it('answers unknown routes with 404', async () => {
    fake = await startFakeOpenAi()
    const response = await fetch(`${fake.baseUrl}/nothing`)
    expect(response.status).toBe(404)
  })
})
