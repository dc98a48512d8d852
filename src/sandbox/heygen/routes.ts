import type { IncomingMessage } from 'node:http'
import { z } from 'zod'
import { readJson } from '../http'
import type { ResolvedSandboxOptions } from '../options'
import { apiKeyAccepted, credentialsOf, type Credentials } from '../credentials'
import type { SandboxSessions } from '../session/sandbox-sessions'
import type { RestReply } from '../session/rest-reply'
import { SessionClosedError, SpeechQueueFullError, type RoomSession } from '../session/room-session'
import { SANDBOX_AVATARS } from '../session/avatars'
import type { TokenStore } from './tokens'
import {
  concurrencyLimitReached,
  invalidParameter,
  RestError,
  sessionNotOpen,
  success,
  tokenEnvelope,
  tooManyTasks,
  unauthorized,
} from './envelope'
import { newSessionSchema, sessionRequestSchema, taskRequestSchema, type NewSessionRequest } from './schemas'

export interface RestContext {
  options: ResolvedSandboxOptions
  sessions: SandboxSessions
  tokens: TokenStore
  refuseSessions(): boolean
  createSession(request: NewSessionRequest): RoomSession
}

type Handler = (req: IncomingMessage, ctx: RestContext) => Promise<RestReply>

const ok = (body: unknown): RestReply => ({ status: 200, body })

/** The legacy provider's REST surface, keyed by "METHOD path". */
export const REST_ROUTES: Readonly<Record<string, Handler>> = {
  'POST /v1/streaming.create_token': async (req, ctx) => {
    await readJson(req)
    const { apiKey } = credentialsOf(req.headers)
    if (!apiKeyAccepted(ctx.options.apiKey, apiKey)) throw unauthorized()
    return ok(tokenEnvelope(ctx.tokens.issue()))
  },

  'POST /v1/streaming.new': async (req, ctx) => {
    const body = parse(newSessionSchema, await readJson(req))
    const credentials = credentialsOf(req.headers)
    const token = authorizeNewSession(credentials, ctx)
    const limit = ctx.options.maxConcurrent
    // One limit across both protocols: it is one machine's capacity.
    if (ctx.refuseSessions() || ctx.sessions.open().length >= limit) throw concurrencyLimitReached(limit)
    const session = ctx.createSession(body)
    if (token) ctx.tokens.claim(token, session.id)
    return ok(
      success({
        session_id: session.id,
        access_token: session.config.livekitToken,
        // The LiveKit server is this same port, under whatever name the client used to reach it.
        url: `ws://${req.headers.host ?? `${ctx.options.host}:${ctx.options.port}`}`,
        is_paid: false,
        session_duration_limit: ctx.options.sessionLimitSeconds,
      }),
    )
  },

  'POST /v1/streaming.start': sessionCall(() => ({})),
  'POST /v1/streaming.keep_alive': sessionCall(() => ({})),
  // The provider shows a listening pose; the sandbox's character has none, but the call counts as activity.
  'POST /v1/streaming.start_listening': sessionCall(() => ({})),
  'POST /v1/streaming.stop_listening': sessionCall(() => ({})),
  'POST /v1/streaming.interrupt': sessionCall((session) => {
    session.interrupt()
    return {}
  }),
  'POST /v1/streaming.stop': sessionCall(async (session) => {
    await session.close('stopped')
    return {}
  }),

  'POST /v1/streaming.task': async (req, ctx) => {
    const raw = await readJson(req)
    requireSessionId(raw)
    const body = parse(taskRequestSchema, raw)
    const session = authorizedSession(credentialsOf(req.headers), body.session_id, ctx)
    const spoken = await session.speak(body.task_type, body.text, body.task_mode)
    return ok(success({ task_id: spoken.taskId, duration_ms: spoken.durationMs }))
  },

  'GET /v1/streaming.list': async (req, ctx) => {
    if (!apiKeyAccepted(ctx.options.apiKey, credentialsOf(req.headers).apiKey)) throw unauthorized()
    return ok(
      success({
        sessions: ctx.sessions.open('heygen').map((session) => ({
          session_id: session.id,
          status: 'connected',
          created_at: Math.floor(session.createdAt / 1000),
        })),
      }),
    )
  },

  'GET /v1/streaming/avatar.list': async (req, ctx) => {
    if (!apiKeyAccepted(ctx.options.apiKey, credentialsOf(req.headers).apiKey)) throw unauthorized()
    return ok(
      success(
        SANDBOX_AVATARS.map((avatar) => ({
          avatar_id: avatar.avatarId,
          pretty_name: avatar.prettyName,
          is_public: true,
          status: 'ACTIVE',
          created_at: 1_700_000_000,
        })),
      ),
    )
  },
}

/** Maps anything a handler throws to the provider's error envelope. */
export function errorReply(error: unknown): RestReply {
  if (error instanceof RestError) return { status: error.status, body: error.envelope }
  if (error instanceof SessionClosedError) return errorReply(sessionNotOpen())
  if (error instanceof SpeechQueueFullError) return errorReply(tooManyTasks(error.message))
  if (error instanceof z.ZodError) return errorReply(invalidParameter(z.prettifyError(error)))
  if (error instanceof Error && error.name === 'BadRequestError')
    return errorReply(invalidParameter(error.message))
  return {
    status: 500,
    body: { code: 500, message: error instanceof Error ? error.message : String(error), data: null },
  }
}

/**
 * A fresh token may create one session; an API key may create any number. Returns the token to spend once
 * the session exists, so a refused attempt leaves it usable.
 */
export function authorizeNewSession(
  credentials: Credentials,
  ctx: Pick<RestContext, 'options' | 'tokens'>,
): string | undefined {
  if (credentials.bearer !== undefined) {
    if (ctx.tokens.status(credentials.bearer) !== 'unused') throw unauthorized()
    return credentials.bearer
  }
  if (apiKeyAccepted(ctx.options.apiKey, credentials.apiKey)) return undefined
  throw unauthorized()
}

/** A session call is allowed with that session's token, or with an accepted API key. */
export function authorizedSession(
  credentials: Credentials,
  sessionId: string,
  ctx: Pick<RestContext, 'options' | 'tokens' | 'sessions'>,
): RoomSession {
  const byToken = credentials.bearer !== undefined && ctx.tokens.sessionOf(credentials.bearer) === sessionId
  const byKey = credentials.bearer === undefined && apiKeyAccepted(ctx.options.apiKey, credentials.apiKey)
  const session = ctx.sessions.get(sessionId)
  // A LiveAvatar session is not this API's to drive.
  if (!(byToken || byKey) || session?.protocol !== 'heygen') throw unauthorized()
  if (!session.isOpen) throw sessionNotOpen()
  return session
}

function sessionCall(act: (session: RoomSession) => unknown): Handler {
  return async (req, ctx) => {
    const raw = await readJson(req)
    const sessionId = requireSessionId(raw)
    const session = authorizedSession(credentialsOf(req.headers), sessionId, ctx)
    session.touch()
    return ok(success(await act(session)))
  }
}

function requireSessionId(raw: unknown): string {
  const parsed = sessionRequestSchema.safeParse(raw)
  const sessionId = parsed.success ? parsed.data.session_id : undefined
  if (!sessionId) throw unauthorized()
  return sessionId
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  return schema.parse(value)
}
