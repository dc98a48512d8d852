import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { corsFor, originAllowed } from '../../../src/sandbox/cors'
import {
  decodePcm16,
  liteCommandSchema,
  liteSpeakEvent,
  liteStateUpdated,
} from '../../../src/sandbox/liveavatar/commands'
import { failure, paginate, success, validationBody } from '../../../src/sandbox/liveavatar/envelope'
import { AGENT_EVENTS, encodeAgentEvent } from '../../../src/sandbox/liveavatar/events'
import { tokenRequestSchema } from '../../../src/sandbox/liveavatar/schemas'
import { decodeSessionToken, SessionTokenSigner } from '../../../src/sandbox/liveavatar/token'

/** How the SDK reads a session token (`decodeSessionTokenPayload`): atob of the middle part, no padding. */
function sdkDecode(token: string): { start_session_data?: { mode?: string } } | null {
  const parts = token.split('.')
  if (parts.length < 2) return null
  return JSON.parse(atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
    start_session_data?: { mode?: string }
  }
}

describe('LiveAvatar session tokens', () => {
  it('are three-part JWTs whose payload names the mode, as the SDK decodes it', () => {
    const signer = new SessionTokenSigner()
    const token = signer.mint('3f1c0e8a-0000-4000-8000-000000000001', { mode: 'LITE', avatar_id: 'x' })
    expect(token.split('.')).toHaveLength(3)
    expect(sdkDecode(token)?.start_session_data?.mode).toBe('LITE')
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    })
    expect(signer.verify(token)).toMatchObject({
      session_id: '3f1c0e8a-0000-4000-8000-000000000001',
      start_session_data: { mode: 'LITE', avatar_id: 'x' },
    })
  })

  it('are unguessable and only verify with the signer that made them, untampered', () => {
    const signer = new SessionTokenSigner()
    const a = signer.mint('id', { mode: 'FULL' })
    const b = signer.mint('id', { mode: 'FULL' })
    expect(a).not.toBe(b)
    const [header, , signature] = a.split('.')
    const forged = `${header}.${Buffer.from(JSON.stringify({ session_id: 'other', start_session_data: { mode: 'FULL' } })).toString('base64url')}.${signature}`
    expect(signer.verify(forged)).toBeUndefined()
    expect(new SessionTokenSigner().verify(a)).toBeUndefined()
    expect(signer.verify('not-a-jwt')).toBeUndefined()
    expect(decodeSessionToken(forged)?.session_id).toBe('other')
    expect(decodeSessionToken('garbage')).toBeUndefined()
  })
})

describe('LiveAvatar token request validation', () => {
  it('defaults to FULL, reads CUSTOM as LITE, and requires an avatar', () => {
    expect(tokenRequestSchema.parse({ avatar_id: 'a' })).toMatchObject({
      mode: 'FULL',
      is_sandbox: false,
      interactivity_type: 'CONVERSATIONAL',
    })
    expect(tokenRequestSchema.parse({ avatar_id: 'a', mode: 'CUSTOM' }).mode).toBe('LITE')
    expect(tokenRequestSchema.safeParse({ mode: 'FULL' }).success).toBe(false)
    expect(tokenRequestSchema.safeParse({ avatar_id: '  ' }).success).toBe(false)
  })

  it('checks the fields the sandbox acts on and passes unknown ones', () => {
    const full = tokenRequestSchema.parse({
      avatar_id: 'a',
      is_sandbox: true,
      video_settings: { quality: 'very_high', encoding: 'VP8' },
      avatar_persona: { voice_id: 'v', context_id: 'c' },
      interactivity_type: 'PUSH_TO_TALK',
      max_session_duration: 120,
      llm_configuration_id: 'kept',
    })
    expect(full).toMatchObject({
      avatar_persona: { voice_id: 'v', context_id: 'c', language: 'en' },
      llm_configuration_id: 'kept',
    })
    for (const bad of [
      { avatar_id: 'a', mode: 'HALF' },
      { avatar_id: 'a', video_settings: { quality: 'ultra' } },
      { avatar_id: 'a', interactivity_type: 'SHOUTING' },
      { avatar_id: 'a', max_session_duration: -5 },
      { avatar_id: 'a', max_session_duration: 1.5 },
      { avatar_id: 'a', is_sandbox: 'yes' },
    ]) {
      expect(tokenRequestSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })

  it('reports validation errors FastAPI-style, with the location in the body', () => {
    const result = tokenRequestSchema.safeParse({ video_settings: { quality: 'ultra' } })
    expect(result.success).toBe(false)
    const body = validationBody(result.error as z.ZodError, 'body')
    expect(body.detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          loc: ['body', 'avatar_id'],
          msg: expect.any(String),
          type: expect.any(String),
        }),
        expect.objectContaining({ loc: ['body', 'video_settings', 'quality'] }),
      ]),
    )
  })
})

describe('LiveAvatar envelopes', () => {
  it('answer success with code 1000, the SDK’s only success code, and failures with data null', () => {
    expect(success({ a: 1 })).toEqual({ code: 1000, data: { a: 1 }, message: 'success' })
    expect(failure(4010, 'Unauthorized')).toEqual({ code: 4010, message: 'Unauthorized', data: null })
  })

  it('paginate 1-based with next and previous links', () => {
    const items = Array.from({ length: 5 }, (_, i) => i)
    expect(paginate(items, 1, 2, '/v1/voices')).toEqual({
      count: 5,
      next: '/v1/voices?page=2&page_size=2',
      previous: null,
      results: [0, 1],
    })
    expect(paginate(items, 3, 2, '/v1/voices')).toEqual({
      count: 5,
      next: null,
      previous: '/v1/voices?page=2&page_size=2',
      results: [4],
    })
  })
})

describe('CORS', () => {
  const allowed = ['app://kiosk']

  it('allows the app origin and loopback pages on any port, exactly', () => {
    for (const origin of [
      'app://kiosk',
      'http://127.0.0.1:5173',
      'http://localhost:8080',
      'http://[::1]:3000',
      'http://127.0.0.1',
    ]) {
      expect(originAllowed(origin, allowed), origin).toBe(true)
    }
  })

  it('refuses foreign, look-alike and opaque origins', () => {
    for (const origin of [
      'https://evil.example',
      'http://127.0.0.1.evil.example',
      'http://localhost.evil.example:80',
      'app://kiosk.evil',
      'app://other',
      'null',
      'file://',
      '*',
    ]) {
      expect(originAllowed(origin, allowed), origin).toBe(false)
    }
  })

  it('echoes an allowed origin with credentials, never a wildcard; adds nothing without an Origin', () => {
    const verdict = corsFor('app://kiosk', allowed)
    expect(verdict.kind).toBe('allowed')
    if (verdict.kind !== 'allowed') return
    expect(verdict.headers).toMatchObject({
      'access-control-allow-origin': 'app://kiosk',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'authorization, content-type, x-api-key',
    })
    expect(corsFor('https://evil.example', allowed)).toEqual({ kind: 'refused' })
    expect(corsFor(undefined, allowed)).toEqual({ kind: 'none' })
    expect(corsFor('https://kiosk.example', ['https://kiosk.example']).kind).toBe('allowed')
  })
})

describe('LiveAvatar event encoding', () => {
  it('carries event_id, event_type, session_id and source_event_id, plus the event’s own fields', () => {
    const event = encodeAgentEvent(
      'avatar.transcription',
      { sessionId: 's1', sourceEventId: 'cmd-1' },
      { text: 'Hello' },
    )
    expect(event).toEqual({
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event_type: 'avatar.transcription',
      session_id: 's1',
      source_event_id: 'cmd-1',
      text: 'Hello',
    })
    expect(encodeAgentEvent('avatar.speak_started', { sessionId: 's1', sourceEventId: null }, {})).toEqual({
      event_id: expect.any(String),
      event_type: 'avatar.speak_started',
      session_id: 's1',
      source_event_id: null,
    })
  })

  it('sends session.stopped with both stop_reason (SDK) and end_reason (docs), and refuses a missing field', () => {
    const stopped = encodeAgentEvent(
      'session.stopped',
      { sessionId: 's', sourceEventId: null },
      { stop_reason: 'IDLE_TIMEOUT', end_reason: 'IDLE_TIMEOUT' },
    )
    expect(stopped).toMatchObject({ stop_reason: 'IDLE_TIMEOUT', end_reason: 'IDLE_TIMEOUT' })
    expect(() =>
      encodeAgentEvent('user.transcription', { sessionId: 's', sourceEventId: null }, {} as { text: string }),
    ).toThrow(/needs text/)
    expect(Object.keys(AGENT_EVENTS)).toEqual(
      expect.arrayContaining(['user.push_to_talk_started', 'user.push_to_talk_stopped']),
    )
  })

  it('LITE socket events are keyed on `type`, with the utterance id as event_id and task.id', () => {
    expect(JSON.parse(liteStateUpdated('connected'))).toEqual({
      type: 'session.state_updated',
      state: 'connected',
    })
    expect(JSON.parse(liteSpeakEvent('agent.speak_ended', 'u1'))).toEqual({
      type: 'agent.speak_ended',
      event_id: 'u1',
      task: { id: 'u1' },
    })
  })

  it('parses the SDK’s LITE commands and decodes their PCM16', () => {
    const pcm = Buffer.alloc(6)
    pcm.writeInt16LE(1000, 0)
    pcm.writeInt16LE(-2000, 2)
    pcm.writeInt16LE(32767, 4)
    const speak = liteCommandSchema.parse({
      type: 'agent.speak',
      event_id: 'e',
      audio: pcm.toString('base64'),
    })
    expect(speak.type).toBe('agent.speak')
    if (speak.type !== 'agent.speak') return
    expect([...decodePcm16(speak.audio)]).toEqual([1000, -2000, 32767])
    expect(liteCommandSchema.safeParse({ type: 'agent.speak', event_id: 'e', audio: '!!' }).success).toBe(
      false,
    )
    expect(liteCommandSchema.safeParse({ type: 'agent.dance' }).success).toBe(false)
    expect(liteCommandSchema.parse({ type: 'session.keep_alive', event_id: 'k' }).type).toBe(
      'session.keep_alive',
    )
  })
})
