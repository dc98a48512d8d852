import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { z } from 'zod'
import { apiKeyAccepted, credentialsOf } from '../credentials'
import { readJson } from '../http'
import type { ResolvedSandboxOptions } from '../options'
import type { RestReply } from '../session/rest-reply'
import {
  avatarEntry,
  LIVEAVATAR_AVATARS,
  LIVEAVATAR_CONTEXTS,
  LIVEAVATAR_VOICES,
  WAYNE_AVATAR_ID,
} from './catalog'
import {
  failure,
  LiveAvatarError,
  notFound,
  paginate,
  success,
  unauthorized,
  validationBody,
} from './envelope'
import { listSessionsQuerySchema, pageQuerySchema, sessionCallSchema, tokenRequestSchema } from './schemas'
import type { LiveAvatarSession } from './session'
import type { SessionTokenPayload } from './token'

/** A minted token and, once `/start` ran, its session. */
export interface TokenRecord {
  sessionId: string
  payload: SessionTokenPayload
  session: LiveAvatarSession | undefined
  /** `/stop` before `/start`: the token may no longer start anything. */
  cancelled: boolean
}

export interface LiveAvatarRestContext {
  options: ResolvedSandboxOptions
  mint(sessionId: string, request: z.infer<typeof tokenRequestSchema>): string
  /** The record of a bearer token this sandbox minted. */
  byToken(token: string): TokenRecord | undefined
  byId(sessionId: string): TokenRecord | undefined
  start(record: TokenRecord, host: string): Promise<Record<string, unknown>>
  sessions(): LiveAvatarSession[]
}

type Handler = (req: IncomingMessage, url: URL, ctx: LiveAvatarRestContext) => Promise<RestReply>

const ok = (body: unknown, status = 200): RestReply => ({ status, body })

/** LiveAvatar's REST surface as the SDK and the kiosk's main process call it (notes §1.2, §1.4). */
export const LIVEAVATAR_ROUTES: Readonly<Record<string, Handler>> = {
  'POST /v1/sessions/token': async (req, _url, ctx) => {
    requireApiKey(req, ctx)
    const body = tokenRequestSchema.safeParse(await readJson(req))
    if (!body.success) return { status: 422, body: validationBody(body.error, 'body') }
    const sessionId = randomUUID()
    const token = ctx.mint(sessionId, body.data)
    return ok(success({ session_id: sessionId, session_token: token }, 'Session token created'))
  },

  'POST /v1/sessions/start': async (req, _url, ctx) => {
    const record = bearerRecord(req, ctx)
    if (!record) throw unauthorized('Invalid session token')
    const data = await ctx.start(record, req.headers.host ?? `${ctx.options.host}:${ctx.options.port}`)
    return ok(success(data, 'Session started'), 201)
  },

  // Success also for a session that already ended: the SDK posts /stop after the server's session.stopped.
  'POST /v1/sessions/stop': async (req, _url, ctx) => {
    const record = await sessionCallRecord(req, ctx)
    if (record.session) await record.session.close('stopped')
    else record.cancelled = true
    return ok(success(null, 'Session stopped'))
  },

  'POST /v1/sessions/keep-alive': async (req, _url, ctx) => {
    const record = await sessionCallRecord(req, ctx)
    if (!record.session?.isOpen) throw new LiveAvatarError(400, 4009, 'Session is not active')
    record.session.touch()
    return ok(success(null, 'Session kept alive'))
  },

  'GET /v1/sessions': async (req, url, ctx) => {
    requireApiKey(req, ctx)
    const query = listSessionsQuerySchema.safeParse(Object.fromEntries(url.searchParams))
    if (!query.success) return { status: 422, body: validationBody(query.error, 'query') }
    const { type, page, page_size } = query.data
    const sessions = ctx.sessions().filter((session) => session.isOpen === (type === 'active'))
    const entries = sessions.reverse().map((session) => sessionEntry(session, type === 'historic'))
    return ok(success(paginate(entries, page, page_size, '/v1/sessions')))
  },

  'GET /v1/avatars': catalogue(() =>
    LIVEAVATAR_AVATARS.filter((avatar) => avatar.id !== WAYNE_AVATAR_ID).map(avatarEntry),
  ),
  'GET /v1/avatars/public': catalogue(() =>
    LIVEAVATAR_AVATARS.filter((avatar) => avatar.id === WAYNE_AVATAR_ID).map(avatarEntry),
  ),
  'GET /v1/voices': catalogue(() => [...LIVEAVATAR_VOICES]),
  'GET /v1/contexts': catalogue(() =>
    LIVEAVATAR_CONTEXTS.map((context) => ({
      id: context.id,
      name: context.name,
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-01T00:00:00Z',
    })),
  ),
}

const SESSION_PATH = /^\/v1\/sessions\/([0-9a-f-]{36})$/

/** The handler for a request, or undefined when the route is not LiveAvatar's. */
export function liveAvatarRoute(method: string, pathname: string): Handler | undefined {
  const exact = LIVEAVATAR_ROUTES[`${method} ${pathname}`]
  if (exact) return exact
  const match = method === 'GET' ? SESSION_PATH.exec(pathname) : null
  if (!match) return undefined
  return async (req, _url, ctx) => {
    requireApiKey(req, ctx)
    const session = ctx.byId(match[1]!)?.session
    if (!session) throw notFound('Session not found')
    return ok(success(sessionEntry(session, !session.isOpen)))
  }
}

/** Maps anything a handler throws to LiveAvatar's JSON error: the SDK needs JSON to report it. */
export function liveAvatarErrorReply(error: unknown): RestReply {
  if (error instanceof LiveAvatarError) {
    return { status: error.status, body: failure(error.code, error.message), headers: error.headers }
  }
  if (error instanceof z.ZodError) return { status: 422, body: validationBody(error, 'body') }
  if (error instanceof Error && error.name === 'BadRequestError') {
    return { status: 422, body: { detail: [{ loc: ['body'], msg: error.message, type: 'json_invalid' }] } }
  }
  return { status: 500, body: failure(500, error instanceof Error ? error.message : String(error)) }
}

function requireApiKey(req: IncomingMessage, ctx: LiveAvatarRestContext): void {
  if (!apiKeyAccepted(ctx.options.apiKey, credentialsOf(req.headers).apiKey)) throw unauthorized()
}

function bearerRecord(req: IncomingMessage, ctx: LiveAvatarRestContext): TokenRecord | undefined {
  const { bearer } = credentialsOf(req.headers)
  return bearer === undefined ? undefined : ctx.byToken(bearer)
}

/** `/stop` and `/keep-alive`: the bearer token names the session, or an API key plus `session_id` does. */
async function sessionCallRecord(req: IncomingMessage, ctx: LiveAvatarRestContext): Promise<TokenRecord> {
  const raw = await readJson(req)
  const credentials = credentialsOf(req.headers)
  if (credentials.bearer !== undefined) {
    const record = ctx.byToken(credentials.bearer)
    if (!record) throw unauthorized('Invalid session token')
    return record
  }
  requireApiKey(req, ctx)
  const body = sessionCallSchema.parse(raw)
  if (!body.session_id) {
    throw new LiveAvatarError(400, 4000, 'session_id is required with an API key')
  }
  const record = ctx.byId(body.session_id)
  if (!record) throw notFound('Session not found')
  return record
}

function catalogue(list: () => unknown[]): Handler {
  return async (req, url, ctx) => {
    // The public avatar list needs no key at the provider; everything else does.
    if (url.pathname !== '/v1/avatars/public') requireApiKey(req, ctx)
    const query = pageQuerySchema.safeParse(Object.fromEntries(url.searchParams))
    if (!query.success) return { status: 422, body: validationBody(query.error, 'query') }
    return ok(success(paginate(list(), query.data.page, query.data.page_size, url.pathname)))
  }
}

function sessionEntry(session: LiveAvatarSession, historic: boolean): Record<string, unknown> {
  const end = session.closedAt ?? Date.now()
  return {
    id: session.id,
    created_at: new Date(session.createdAt).toISOString(),
    updated_at: new Date(end).toISOString(),
    duration: Math.round((end - session.createdAt) / 1000),
    source: 'API',
    mode: session.config.mode,
    is_sandbox: session.config.isSandbox,
    // The sandbox costs nothing.
    credits_consumed: 0,
    ...(historic ? { end_at: new Date(end).toISOString(), end_reason: session.endReason } : {}),
  }
}
