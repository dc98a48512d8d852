import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  liveAvatarTokenBody,
  mintLiveAvatarToken,
} from '../../../../src/main/services/providers/liveavatar-token'
import {
  ProviderError,
  providerErrorToBridgeError,
  summarizeValidation,
} from '../../../../src/main/services/providers/provider-errors'
import { SettingsSchema, defaultSettings } from '../../../../src/shared/settings/schema'
import { closedPort, useLoopbackServers } from '../../support/loopback-server'

const API_KEY = 'la-live-key-DO-NOT-LEAK-77c1d2'
const SESSION_ID = '0c2b4d1e-7a51-4e0b-9a55-1f7c0d3b9e21'
const serve = useLoopbackServers()

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  response.end(typeof body === 'string' ? body : JSON.stringify(body))
}

const okReply = {
  code: 1000,
  data: { session_id: SESSION_ID, session_token: 'jwt.session.token' },
  message: 'ok',
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token request to fail')
    },
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  const bridge = providerErrorToBridgeError(providerError)
  for (const text of [
    providerError.message,
    JSON.stringify(providerError.details),
    bridge.message,
    JSON.stringify(bridge.toPayload()),
  ]) {
    expect(text).not.toContain('DO-NOT-LEAK')
  }
  return providerError
}

describe('liveAvatarTokenBody', () => {
  it('asks for a FULL conversational session with the kind default avatar on fresh settings', () => {
    expect(liveAvatarTokenBody(defaultSettings())).toEqual({
      mode: 'FULL',
      avatar_id: 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a',
      is_sandbox: false,
      video_settings: { quality: 'high' },
      avatar_persona: { language: 'en' },
      interactivity_type: 'CONVERSATIONAL',
    })
  })

  it('carries the voice, context, language, quality, push-to-talk, sandbox and session limit', () => {
    const settings = SettingsSchema.parse({
      provider: { liveavatar: { sandbox: true, maxSessionDurationSeconds: 600 } },
      avatar: {
        id: 'a1b2c3d4-0000-4000-8000-000000000001',
        quality: 'medium',
        voiceId: 'v-1',
        contextId: 'ctx-1',
        language: 'de-DE',
        transport: 'livekit',
        pushToTalk: true,
      },
    })
    expect(liveAvatarTokenBody(settings)).toEqual({
      mode: 'FULL',
      avatar_id: 'a1b2c3d4-0000-4000-8000-000000000001',
      is_sandbox: true,
      video_settings: { quality: 'medium' },
      max_session_duration: 600,
      // LiveAvatar takes bare language codes: the region of `de-DE` is dropped.
      avatar_persona: { voice_id: 'v-1', context_id: 'ctx-1', language: 'de' },
      interactivity_type: 'PUSH_TO_TALK',
    })
  })

  it('sends LITE without persona or interactivity: our own speech drives the avatar', () => {
    const settings = SettingsSchema.parse({
      provider: { liveavatar: { mode: 'lite' } },
      avatar: { quality: 'low', voiceId: 'v-1', contextId: 'ctx-1' },
    })
    expect(liveAvatarTokenBody(settings)).toEqual({
      mode: 'LITE',
      avatar_id: 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a',
      is_sandbox: false,
      video_settings: { quality: 'low' },
    })
  })
})

describe('mintLiveAvatarToken against a loopback server', () => {
  it('POSTs the body to /v1/sessions/token with X-API-KEY and returns the token and session id', async () => {
    const server = await serve((_request, response) => reply(response, 200, okReply))
    const body = liveAvatarTokenBody(defaultSettings())
    await expect(mintLiveAvatarToken({ baseUrl: server.baseUrl, apiKey: API_KEY, body })).resolves.toEqual({
      sessionId: SESSION_ID,
      token: 'jwt.session.token',
    })
    const [request] = server.requests
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/v1/sessions/token')
    expect(request?.headers['x-api-key']).toBe(API_KEY)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.authorization).toBeUndefined()
    expect(JSON.parse(request?.body ?? '')).toEqual(body)
  })

  it.each([401, 403])('maps HTTP %i to unauthorized', async (status) => {
    const server = await serve((request, response) =>
      reply(response, status, { code: 4010, message: `bad key ${String(request.headers['x-api-key'])}` }),
    )
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('unauthorized')
    expect(error.details).toEqual({ status, providerCode: 4010 })
  })

  it('maps 429 with Retry-After to rate-limited', async () => {
    const server = await serve((_request, response) =>
      reply(response, 429, { detail: 'slow' }, { 'Retry-After': '2' }),
    )
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('rate-limited')
    expect(providerErrorToBridgeError(error).toPayload()).toMatchObject({
      code: 'rate-limited',
      retryAfterMs: 2000,
    })
  })

  it('summarizes a 422 by field and reason without echoing the values sent', async () => {
    const server = await serve((_request, response) =>
      reply(response, 422, {
        detail: [
          {
            loc: ['body', 'avatar_id'],
            msg: 'Input should be a valid UUID, invalid character: found `W` at 1',
            type: 'uuid_parsing',
            input: 'Wayne_SECRETISH_INPUT',
          },
          {
            loc: ['body', 'avatar_persona', 'context_id'],
            msg: 'Input should be a valid UUID',
            input: 'ctx',
          },
        ],
      }),
    )
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('provider-error')
    expect(error.details).toEqual({
      status: 422,
      validation:
        'avatar_id: Input should be a valid UUID; avatar_persona.context_id: Input should be a valid UUID',
    })
    const bridge = providerErrorToBridgeError(error)
    expect(bridge.code).toBe('provider-error')
    expect(bridge.message).toBe(
      'The avatar service refused the session settings: avatar_id: Input should be a valid UUID; avatar_persona.context_id: Input should be a valid UUID.',
    )
    expect(JSON.stringify(bridge.toPayload())).not.toContain('SECRETISH')
    expect(JSON.stringify(bridge.toPayload())).not.toContain('`W`')
  })

  it('treats a 200 whose code is not 1000 as a provider error with that code', async () => {
    const server = await serve((_request, response) =>
      reply(response, 200, { code: 4000, data: null, message: `no credits for ${API_KEY}` }),
    )
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('provider-error')
    expect(error.details).toEqual({ status: 200, providerCode: 4000 })
    expect(providerErrorToBridgeError(error).message).toBe(
      'The avatar service reported a problem (code 4000).',
    )
  })

  it.each([
    ['HTTP 500 without JSON', 500, '<html>oops</html>', { status: 500 }],
    ['HTTP 500 with a code', 500, { code: 5000, message: 'x' }, { status: 500, providerCode: 5000 }],
  ])('maps %s to provider-error', async (_label, status, body, details) => {
    const server = await serve((_request, response) => reply(response, status, body))
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('provider-error')
    expect(error.details).toEqual(details)
  })

  it.each([
    ['no session id', { code: 1000, data: { session_token: 't' } }],
    ['no token', { code: 1000, data: { session_id: SESSION_ID } }],
    ['no data', { code: 1000 }],
    ['no code', { data: okReply.data }],
    ['not JSON', 'ok'],
  ])('maps a 200 with %s to an unexpected reply', async (_label, body) => {
    const server = await serve((_request, response) => reply(response, 200, body))
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('provider-error')
    expect(error.message).toBe('The avatar service sent an unexpected reply to the token request.')
  })

  it('maps a closed port to unreachable and a silent server to timeout', async () => {
    const body = liveAvatarTokenBody(defaultSettings())
    const closed = await failureOf(
      mintLiveAvatarToken({ baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: API_KEY, body }),
    )
    expect(closed.kind).toBe('unreachable')
    const silent = await serve(() => {
      /* never answers */
    })
    const timeout = await failureOf(
      mintLiveAvatarToken({ baseUrl: silent.baseUrl, apiKey: API_KEY, body, timeoutMs: 300 }),
    )
    expect(timeout.kind).toBe('timeout')
  })

  it('refuses to follow a redirect', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(302, { Location: 'http://127.0.0.1:9/v1/sessions/token' })
      response.end()
    })
    const error = await failureOf(
      mintLiveAvatarToken({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        body: liveAvatarTokenBody(defaultSettings()),
      }),
    )
    expect(error.kind).toBe('unreachable')
  })
})

describe('summarizeValidation', () => {
  it('reads FastAPI detail lists, caps them at three, and ignores anything else', () => {
    const detail = Array.from({ length: 5 }, (_, index) => ({
      loc: ['body', `f${index}`],
      msg: 'Field required',
    }))
    expect(summarizeValidation({ detail })).toBe(
      'f0: Field required; f1: Field required; f2: Field required (and 2 more)',
    )
    expect(summarizeValidation({ detail: [{ msg: 'Bad' }] })).toBe('Bad')
    expect(summarizeValidation({ detail: 'nope' })).toBeUndefined()
    expect(summarizeValidation(undefined)).toBeUndefined()
    expect(summarizeValidation({ detail: [] })).toBeUndefined()
  })
})
