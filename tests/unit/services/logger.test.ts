import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { LOG_CONTEXT_LIMITS } from '../../../src/main/services/log-context'
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

describe('bounded log context', () => {
  function logOnce(context: Record<string, unknown>, secrets: string[] = []): string {
    const { sink, lines } = memorySink()
    createLogger(sink, () => secrets).info('event', context)
    expect(lines).toHaveLength(1)
    return lines[0]?.line ?? ''
  }

  /** The context part of a line that was not cut as a whole, parsed back. */
  function contextOf(line: string): Record<string, unknown> {
    return JSON.parse(line.slice('event '.length)) as Record<string, unknown>
  }

  it('cuts a huge string and says how much was left out', () => {
    const line = logOnce({ body: 'x'.repeat(5_000_000) })
    const body = String(contextOf(line).body)
    expect(body.startsWith('x'.repeat(LOG_CONTEXT_LIMITS.stringChars))).toBe(true)
    expect(body).toContain(`…[${5_000_000 - LOG_CONTEXT_LIMITS.stringChars} more chars]`)
    expect(line.length).toBeLessThan(LOG_CONTEXT_LIMITS.stringChars + 100)
  })

  it('shows the first items of a big array and counts the rest', () => {
    const items = Array.from({ length: 100_000 }, (_, index) => index)
    const logged = contextOf(logOnce({ items })).items as unknown[]
    expect(logged).toHaveLength(LOG_CONTEXT_LIMITS.arrayItems + 1)
    expect(logged.slice(0, 3)).toEqual([0, 1, 2])
    expect(logged.at(-1)).toBe(`…[${100_000 - LOG_CONTEXT_LIMITS.arrayItems} more items]`)
  })

  it('names deep nesting instead of walking it', () => {
    let deep: Record<string, unknown> = { bottom: true }
    for (let level = 0; level < 10_000; level += 1) deep = { next: deep }
    const line = logOnce({ deep })
    expect(line).toContain('"[object]"')
    expect(line).not.toContain('bottom')
    expect(line.length).toBeLessThan(200)
  })

  it('writes a cycle as [circular] instead of throwing, and keeps a shared object that is no cycle', () => {
    const node: Record<string, unknown> = { name: 'node' }
    node.self = node
    const shared = { id: 7 }
    const context: Record<string, unknown> = { node, pair: [shared, shared] }
    context.root = context
    const logged = contextOf(logOnce(context))
    expect(logged.node).toEqual({ name: 'node', self: '[circular]' })
    expect(logged.pair).toEqual([{ id: 7 }, { id: 7 }])
    expect(logged.root).toBe('[circular]')
  })

  it('caps the whole line, however wide the context', () => {
    const wide = Object.fromEntries(
      Array.from({ length: 2000 }, (_, index) => [`k${index}`, Array(100).fill('y'.repeat(3000))]),
    )
    const started = performance.now()
    const line = logOnce(wide)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(line.length).toBeLessThanOrEqual(
      'event '.length + LOG_CONTEXT_LIMITS.totalChars + '…[0000000 more chars]'.length,
    )
    expect(line).toMatch(/…\[\d+ more chars\]$/)
  })

  it('keeps values JSON cannot write, and survives a getter that throws', () => {
    const context = {
      count: 10n,
      ratio: Number.NaN,
      at: new Date('2026-01-02T03:04:05.000Z'),
      audio: new Uint8Array(48_000),
      callback: () => 1,
      absent: undefined,
      list: [undefined],
      get broken(): never {
        throw new Error('getter failed')
      },
    }
    expect(contextOf(logOnce(context))).toEqual({
      count: '10',
      ratio: 'NaN',
      at: '2026-01-02T03:04:05.000Z',
      audio: '[Uint8Array 48000 bytes]',
      callback: '[function]',
      list: [null],
      broken: '[unreadable]',
    })
  })

  it('redacts a key before cutting, so no part of it reaches the log', () => {
    const key = 'hg-cut-secret-0123456789abcdef'
    // The key straddles the cut: a cut before redaction would leave its first half.
    const body = `${'a'.repeat(LOG_CONTEXT_LIMITS.stringChars - 10)}${key}${'b'.repeat(100)}`
    const line = logOnce(
      { body, error: new Error(`${'c'.repeat(LOG_CONTEXT_LIMITS.stringChars - 5)}${key}`) },
      [key],
    )
    expect(line).not.toContain(key.slice(0, 6))
    const longMessage = memorySink()
    createLogger(longMessage.sink, () => [key]).warn(`${'m'.repeat(1995)}${key}`)
    expect(longMessage.text()).not.toContain(key.slice(0, 5))
    expect(longMessage.text()).toContain('more chars]')
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
