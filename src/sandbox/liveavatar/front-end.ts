import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import type { FrontEndDeps } from '../heygen/front-end'
import type { AvatarQuality } from '../media/quality'
import type { RestReply } from '../session/rest-reply'
import { personaFrom } from '../speech/responder'
import { espeakLanguage } from '../speech/tts'
import { characterFor, contextFor, voiceVariantFor } from './catalog'
import { concurrencyLimitReached, sessionNotStartable } from './envelope'
import { liveAvatarErrorReply, liveAvatarRoute, type LiveAvatarRestContext, type TokenRecord } from './routes'
import type { TokenRequest } from './schemas'
import { LiveAvatarSession } from './session'
import { SessionTokenSigner } from './token'

const LITE_SOCKET_PATH = /^\/v1\/sessions\/([0-9a-f-]{36})\/ws$/
/** Tokens minted but never started are forgotten beyond this many, oldest first. */
const MAX_PENDING_TOKENS = 1000

/** The provider's undocumented quality ladder, mapped onto the sandbox's three frame sizes. */
const QUALITY: Readonly<Record<string, AvatarQuality>> = {
  very_high: 'high',
  high: 'high',
  medium: 'medium',
  low: 'low',
}
/** Without video_settings the sandbox streams 480p: the provider's "high" default costs a 2-core box dearly. */
const DEFAULT_QUALITY: AvatarQuality = 'medium'

/**
 * LiveAvatar's protocol: `/v1/sessions/*` REST with JWT session tokens, the catalogue, and the LITE
 * command socket. Sessions exist from `/start`; a minted token holds only its request.
 */
export class LiveAvatarFrontEnd {
  private readonly signer = new SessionTokenSigner()
  private readonly records = new Map<string, TokenRecord>()
  private readonly liteSecrets = new Map<string, string>()
  private readonly rest: LiveAvatarRestContext

  constructor(private readonly deps: FrontEndDeps) {
    this.rest = {
      options: deps.options,
      mint: (sessionId, request) => this.mint(sessionId, request),
      byToken: (token) => {
        const payload = this.signer.verify(token)
        return payload ? this.records.get(payload.session_id) : undefined
      },
      byId: (sessionId) => this.records.get(sessionId),
      start: (record, host) => this.start(record, host),
      sessions: () => deps.sessions.all('liveavatar') as LiveAvatarSession[],
    }
  }

  /** The reply for one of this protocol's routes, or undefined when the route is not one. */
  handle(method: string, url: URL, req: IncomingMessage): Promise<RestReply> | undefined {
    const route = liveAvatarRoute(method, url.pathname)
    if (!route) return undefined
    return route(req, url, this.rest).catch(liveAvatarErrorReply)
  }

  /** Whether a path is LiveAvatar's, so injected faults answer in its error shape. */
  owns(pathname: string): boolean {
    return /^\/v1\/(sessions|avatars|voices|contexts)(\/|$)/.test(pathname)
  }

  /** The LITE socket's taker, or a refusal status; undefined when the path is not a LITE socket. */
  upgrade(url: URL): ((ws: WebSocket) => void) | number | undefined {
    const match = LITE_SOCKET_PATH.exec(url.pathname)
    if (!match) return undefined
    const sessionId = match[1]!
    const session = this.records.get(sessionId)?.session
    const secret = this.liteSecrets.get(sessionId)
    if (!session?.isOpen || secret === undefined || url.searchParams.get('token') !== secret) return 401
    return (ws) => session.attachLiteSocket(ws)
  }

  private mint(sessionId: string, request: TokenRequest): string {
    const token = this.signer.mint(sessionId, { ...request, mode: request.mode })
    this.records.set(sessionId, {
      sessionId,
      payload: this.signer.verify(token)!,
      session: undefined,
      cancelled: false,
    })
    this.forgetStaleTokens()
    return token
  }

  private async start(record: TokenRecord, host: string): Promise<Record<string, unknown>> {
    if (record.session || record.cancelled) throw sessionNotStartable('Session already started or stopped')
    const { options, sessions } = this.deps
    if (this.deps.refuseSessions() || sessions.open().length >= options.maxConcurrent) {
      throw concurrencyLimitReached(options.maxConcurrent)
    }
    const request = record.payload.start_session_data as unknown as TokenRequest
    const session = this.createSession(record.sessionId, request)
    record.session = session
    const data: Record<string, unknown> = {
      session_id: session.id,
      // The LiveKit server is this same port, under whatever name the client used to reach it.
      livekit_url: `ws://${host}`,
      livekit_client_token: session.config.livekitToken,
      max_session_duration: session.config.sessionLimitSeconds,
    }
    if (request.mode === 'LITE') {
      const secret = randomBytes(18).toString('base64url')
      this.liteSecrets.set(session.id, secret)
      data.ws_url = `ws://${host}/v1/sessions/${session.id}/ws?token=${secret}`
    }
    return data
  }

  private createSession(id: string, request: TokenRequest): LiveAvatarSession {
    const { options } = this.deps
    const avatar = characterFor(request.avatar_id)
    const persona = request.avatar_persona
    const context = contextFor(persona?.context_id)
    // Sandbox sessions end after about a minute; otherwise the token's limit, capped by the sandbox's own.
    const limit = Math.min(
      options.sessionLimitSeconds,
      request.max_session_duration ?? options.sessionLimitSeconds,
      request.is_sandbox ? options.sandboxSessionSeconds : Number.POSITIVE_INFINITY,
    )
    const session = new LiveAvatarSession(
      {
        id,
        livekitToken: randomBytes(24).toString('base64url'),
        quality: QUALITY[request.video_settings?.quality ?? ''] ?? DEFAULT_QUALITY,
        avatar,
        voice: {
          language: espeakLanguage(persona?.language ?? request.voice_agent?.language),
          variant: voiceVariantFor(persona?.voice_id) ?? avatar.voiceVariant,
          rate: 1,
        },
        persona: personaFrom(context?.prompt),
        idleTimeoutSeconds: options.idleTimeoutSeconds,
        sessionLimitSeconds: limit,
        mode: request.mode,
        interactivity: request.interactivity_type,
        isSandbox: request.is_sandbox,
      },
      {
        registry: this.deps.processes,
        codec: options.codec,
        log: options.log,
        onClosed: () => {
          this.liteSecrets.delete(id)
          this.deps.sessions.forgetOldClosed()
          this.forgetClosedSessions()
        },
      },
    )
    this.deps.sessions.add(session)
    options.log('info', 'session created', {
      session: id,
      protocol: 'liveavatar',
      mode: request.mode,
      quality: session.config.quality,
      limitSeconds: limit,
    })
    return session
  }

  /** Tokens of sessions the registry no longer lists (the oldest closed ones) go with them. */
  private forgetClosedSessions(): void {
    for (const [id, record] of this.records) {
      if (record.session && !this.deps.sessions.get(id)) this.records.delete(id)
    }
  }

  private forgetStaleTokens(): void {
    const pending = [...this.records.values()].filter((record) => !record.session)
    for (const record of pending.slice(0, Math.max(0, pending.length - MAX_PENDING_TOKENS))) {
      this.records.delete(record.sessionId)
    }
  }
}
