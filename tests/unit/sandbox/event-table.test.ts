import { describe, expect, it } from 'vitest'
import { encodeEvent, EVENT_TABLE, type SandboxEventName } from '../../../src/sandbox/heygen/events'

describe('event table', () => {
  it('covers the talking and visitor events the SDK knows', () => {
    expect(Object.keys(EVENT_TABLE).sort()).toEqual(
      [
        'avatar_start_talking',
        'avatar_talking_message',
        'avatar_end_message',
        'avatar_stop_talking',
        'user_start',
        'user_talking_message',
        'user_stop',
        'user_end_message',
      ].sort(),
    )
  })

  it('sends avatar events on the LiveKit data channel, keyed by `type`', () => {
    for (const transport of ['websocket', 'livekit'] as const) {
      expect(encodeEvent('avatar_stop_talking', { task_id: 't1', duration_ms: 1234 }, transport)).toEqual({
        channel: 'data-channel',
        json: { type: 'avatar_stop_talking', task_id: 't1', duration_ms: 1234 },
      })
    }
  })

  it('sends visitor events where the visitor audio went: chat socket for WebSocket voice chat', () => {
    expect(encodeEvent('user_talking_message', { task_id: 'u1', message: 'hi' }, 'websocket')).toEqual({
      channel: 'chat-socket',
      json: { event_type: 'user_talking_message', task_id: 'u1', message: 'hi' },
    })
    expect(encodeEvent('user_talking_message', { task_id: 'u1', message: 'hi' }, 'livekit')).toEqual({
      channel: 'data-channel',
      json: { type: 'user_talking_message', task_id: 'u1', message: 'hi' },
    })
  })

  it('gives every event exactly one channel per transport and a task_id', () => {
    for (const [name, spec] of Object.entries(EVENT_TABLE)) {
      expect(spec.fields, name).toContain('task_id')
      for (const channel of Object.values(spec.channel))
        expect(['data-channel', 'chat-socket']).toContain(channel)
    }
  })

  it('carries only the fields the table lists', () => {
    const payload = { task_id: 't', message: 'ignored', duration_ms: 5 }
    const encoded = encodeEvent('avatar_start_talking', payload as never, 'websocket')
    expect(encoded.json).toEqual({ type: 'avatar_start_talking', task_id: 't' })
  })

  it('refuses to encode an event with a required field missing', () => {
    const name: SandboxEventName = 'avatar_talking_message'
    expect(() => encodeEvent(name, { task_id: 't' } as never, 'websocket')).toThrow(/message/)
  })
})
