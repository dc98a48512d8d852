import { describe, expect, it } from 'vitest'
import { FaultTable, faultSchema, MAX_ARMED_FAULTS } from '../../../src/sandbox/faults'

describe('fault shapes', () => {
  it('accepts each documented fault', () => {
    const shapes = [
      { type: 'rest', path: '/v1/streaming.new', status: 500, times: 3 },
      { type: 'delay', path: '/v1/streaming.new', ms: 2000, times: 1 },
      { type: 'disconnect', session: 'abc' },
      { type: 'disconnect', session: 'all' },
      { type: 'drop-chat-socket', session: 'abc' },
      { type: 'refuse-sessions', on: true },
      { type: 'refuse-sessions', on: false },
    ]
    for (const shape of shapes) expect(faultSchema.safeParse(shape).success, JSON.stringify(shape)).toBe(true)
  })

  it('defaults times to 1', () => {
    expect(faultSchema.parse({ type: 'rest', path: '/x', status: 503 })).toMatchObject({ times: 1 })
  })

  it.each([
    { type: 'rest', path: 'v1/streaming.new', status: 500 },
    { type: 'rest', path: '/x', status: 99 },
    { type: 'delay', path: '/x', ms: -1 },
    { type: 'refuse-sessions' },
    { type: 'disconnect' },
    { type: 'explode' },
  ])('rejects %j', (shape) => {
    expect(faultSchema.safeParse(shape).success).toBe(false)
  })
})

describe('FaultTable', () => {
  it('fails exactly `times` requests to the armed path, then lets requests through', () => {
    const table = new FaultTable()
    table.arm({ type: 'rest', path: '/v1/streaming.new', status: 500, times: 3 })
    expect(table.takeFailure('/v1/streaming.start')).toBeUndefined()
    for (let i = 0; i < 3; i++) {
      expect(table.takeFailure('/v1/streaming.new')).toEqual({
        status: 500,
        code: 500,
        message: 'Injected sandbox fault (500)',
      })
    }
    expect(table.takeFailure('/v1/streaming.new')).toBeUndefined()
  })

  it('uses a given provider code and message', () => {
    const table = new FaultTable()
    table.arm({ type: 'rest', path: '/p', status: 401, times: 1, code: 400112, message: 'Unauthorized' })
    expect(table.takeFailure('/p')).toEqual({ status: 401, code: 400112, message: 'Unauthorized' })
  })

  it('spends faults for the same path in the order they were armed', () => {
    const table = new FaultTable()
    table.arm({ type: 'rest', path: '/p', status: 500, times: 1 })
    table.arm({ type: 'rest', path: '/p', status: 429, times: 1 })
    expect(table.takeFailure('/p')?.status).toBe(500)
    expect(table.takeFailure('/p')?.status).toBe(429)
  })

  it('delays only the armed number of requests', () => {
    const table = new FaultTable()
    table.arm({ type: 'delay', path: '/p', ms: 2000, times: 2 })
    expect(table.takeDelayMs('/q')).toBe(0)
    expect(table.takeDelayMs('/p')).toBe(2000)
    expect(table.takeDelayMs('/p')).toBe(2000)
    expect(table.takeDelayMs('/p')).toBe(0)
  })

  it('does not let callers mutate an armed fault', () => {
    const table = new FaultTable()
    const fault = { type: 'rest' as const, path: '/p', status: 500, times: 2 }
    table.arm(fault)
    table.takeFailure('/p')
    expect(fault.times).toBe(2)
  })

  it('clear() disarms everything, including session refusal', () => {
    const table = new FaultTable()
    table.arm({ type: 'rest', path: '/p', status: 500, times: 1 })
    table.arm({ type: 'delay', path: '/p', ms: 5, times: 1 })
    table.refuseSessions = true
    table.clear()
    expect(table.summary()).toEqual({ rest: [], delay: [], refuseSessions: false })
  })

  it('arms at most MAX_ARMED_FAULTS of each kind, refusing beyond', () => {
    const table = new FaultTable()
    for (let i = 0; i < MAX_ARMED_FAULTS; i++)
      expect(table.arm({ type: 'rest', path: `/p${i}`, status: 500, times: 1 })).toBe(true)
    expect(table.arm({ type: 'rest', path: '/more', status: 500, times: 1 })).toBe(false)
    expect(table.arm({ type: 'delay', path: '/p', ms: 5, times: 1 })).toBe(true)
    expect(table.summary().rest).toHaveLength(MAX_ARMED_FAULTS)
    expect(table.takeFailure('/more')).toBeUndefined()
  })

  it('bounds the strings a fault carries', () => {
    const long = 'x'.repeat(5000)
    expect(faultSchema.safeParse({ type: 'rest', path: `/${long}`, status: 500 }).success).toBe(false)
    expect(faultSchema.safeParse({ type: 'rest', path: '/p', status: 500, message: long }).success).toBe(
      false,
    )
    expect(faultSchema.safeParse({ type: 'disconnect', session: long }).success).toBe(false)
  })
})
