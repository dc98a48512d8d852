import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { createLogger, redact } from '../../../src/main/services/logger'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

describe('redact', () => {
  it('removes every occurrence of a known secret', () => {
    const key = 'hg-known-secret-123456'
    expect(redact(`a ${key} b ${key}`, [key])).toBe('a [redacted] b [redacted]')
  })

  it('leaves very short values alone so ordinary words survive', () => {
    expect(redact('the pin is 1234 and the id is abc', ['1234', 'abc'])).toBe(
      'the pin is 1234 and the id is abc',
    )
  })

  it.each([
    ['X-Api-Key: abcdef123456', 'X-Api-Key: [redacted]'],
    ['{"x-api-key":"abcdef123456","next":1}', '{"x-api-key":"[redacted]","next":1}'],
    ["headers: { 'X-API-KEY': 'zzzzzz' }", "headers: { 'X-API-KEY': '[redacted]' }"],
    ['Authorization: Bearer eyJhbGciOi.payload.sig', 'Authorization: Bearer [redacted]'],
    ['sent bearer abcdefghijklmnopqrstuv', 'sent bearer [redacted]'],
    ['key sk-proj-ABCDEFGHIJKLMNOPQRST end', 'key [redacted] end'],
    ['wss://x.example/v1?session_token=abc.def&room=1', 'wss://x.example/v1?session_token=[redacted]&room=1'],
    ['https://x.example/?token=abc123', 'https://x.example/?token=[redacted]'],
    ['GET /api?x=1&access_token=zzz999 200', 'GET /api?x=1&access_token=[redacted] 200'],
  ])('redacts the credential in %j', (input, expected) => {
    expect(redact(input, [])).toBe(expected)
  })

  it('leaves ordinary text alone', () => {
    const text = 'session started for avatar Wayne_20240711 at https://api.heygen.com/v1/streaming.new'
    expect(redact(text, [])).toBe(text)
  })
})

describe('createLogger', () => {
  it('redacts secrets in the message, the context and nested error messages', () => {
    const { sink, lines } = memorySink()
    const key = 'llm-key-abcdefghijkl'
    const log = createLogger(sink, () => [key], 'main')
    log.error(`failed with ${key}`, { error: new Error(`401 for key ${key}`), body: { echoed: key } })
    expect(lines).toHaveLength(1)
    expect(lines[0]?.level).toBe('error')
    expect(lines[0]?.line).toMatch(/^\[main\] failed with \[redacted\]/)
    expect(lines[0]?.line).not.toContain(key)
    expect(lines[0]?.line).toContain('"name":"Error"')
  })

  it('asks for the known secrets at every line, so keys set later are covered', () => {
    const { sink, text } = memorySink()
    const known: string[] = []
    const log = createLogger(sink, () => known)
    log.info('before: later-key-000000')
    known.push('later-key-000000')
    log.info('after: later-key-000000')
    expect(text()).toBe('before: later-key-000000\nafter: [redacted]')
  })
})

describe('the app services logger', () => {
  it('redacts a key after it is set through the bridge, and after a restart', async () => {
    const dir = await tempDir()
    const key = 'hg-runtime-key-q1w2e3r4t5y6'
    const first = memorySink()
    const services = await createAppServices(nodeHostAdapters(dir, first.sink))
    const result = await services.dispatch(
      'setSecret',
      { name: 'providerApiKey', value: key },
      { clientId: 't' },
    )
    expect(result.ok).toBe(true)
    services.log.error(`provider said: invalid key ${key}`)
    services.hostLog('web-host').warn('echo', { header: key })
    await services.dispatch('log', { level: 'error', message: `renderer saw ${key}` }, { clientId: 't' })
    expect(first.lines.length).toBeGreaterThanOrEqual(4)
    expect(first.text()).not.toContain(key)
    expect(first.text()).toContain('[redacted]')
    await services.close()

    const second = memorySink()
    const restarted = await createAppServices(nodeHostAdapters(dir, second.sink))
    restarted.log.info(`still secret: ${key}`)
    expect(second.text()).toContain('still secret: [redacted]')
    expect(second.text()).not.toContain(key)
    await restarted.close()
  })
})
