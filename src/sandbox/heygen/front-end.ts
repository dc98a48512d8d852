import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { apiKeyAccepted } from '../credentials'
import { DEFAULT_QUALITY } from '../media/quality'
import type { ResolvedSandboxOptions } from '../options'
import type { ProcessRegistry } from '../processes'
import { avatarFor } from '../session/avatars'
import type { SandboxSessions } from '../session/sandbox-sessions'
import type { RestReply } from '../session/rest-reply'
import { personaFrom } from '../speech/responder'
import { espeakLanguage } from '../speech/tts'
import { REST_ROUTES, type RestContext } from './routes'
import type { NewSessionRequest } from './schemas'
import { HeygenSession } from './session'
import { TokenStore } from './tokens'

export const CHAT_SOCKET_PATH = '/v1/ws/streaming.chat'
const DEFAULT_IDLE_TIMEOUT_SECONDS = 120
const MAX_IDLE_TIMEOUT_SECONDS = 3600

export interface FrontEndDeps {
  options: ResolvedSandboxOptions
  sessions: SandboxSessions
  processes: ProcessRegistry
  refuseSessions(): boolean
}

/** HeyGen's legacy Interactive Avatar protocol: `/v1/streaming.*` REST and the pipecat chat socket. */
export class HeygenFrontEnd {
  readonly tokens = new TokenStore()
  private readonly rest: RestContext

  constructor(private readonly deps: FrontEndDeps) {
    this.rest = {
      options: deps.options,
      sessions: deps.sessions,
      tokens: this.tokens,
      refuseSessions: deps.refuseSessions,
      createSession: (request) => this.createSession(request),
    }
  }

  /** The reply for one of this protocol's routes, or undefined when the route is not one. */
  handle(method: string, pathname: string, req: IncomingMessage): Promise<RestReply> | undefined {
    return REST_ROUTES[`${method} ${pathname}`]?.(req, this.rest)
  }

  /** The chat socket's taker, or a refusal status; undefined when the path is not the chat socket. */
  upgrade(url: URL): ((ws: WebSocket) => void) | number | undefined {
    if (url.pathname !== CHAT_SOCKET_PATH) return undefined
    const sessionId = url.searchParams.get('session_id') ?? ''
    const token = url.searchParams.get('session_token') ?? ''
    const session = this.deps.sessions.get(sessionId)
    // A session made with a token takes only that token; one made with an API key takes the key.
    const tokenFits = this.tokens.hasToken(sessionId)
      ? this.tokens.sessionOf(token) === sessionId
      : apiKeyAccepted(this.deps.options.apiKey, token)
    if (!(session instanceof HeygenSession) || !session.isOpen || !tokenFits) return 401
    return (ws) => session.attachChatSocket(ws)
  }

  private createSession(request: NewSessionRequest): HeygenSession {
    const { options } = this.deps
    const avatar = avatarFor(request.avatar_name ?? request.avatar_id)
    const requestedIdle = request.disable_idle_timeout
      ? MAX_IDLE_TIMEOUT_SECONDS
      : (request.activity_idle_timeout ?? DEFAULT_IDLE_TIMEOUT_SECONDS)
    const idleTimeoutSeconds = Math.min(MAX_IDLE_TIMEOUT_SECONDS, requestedIdle)
    if (idleTimeoutSeconds < 30) {
      options.log('warn', 'activity_idle_timeout below the provider minimum of 30 s: accepted for tests', {
        seconds: idleTimeoutSeconds,
      })
    }
    const session = new HeygenSession(
      {
        id: randomUUID(),
        livekitToken: randomBytes(24).toString('base64url'),
        quality: request.quality ?? DEFAULT_QUALITY,
        avatar,
        voice: {
          language: espeakLanguage(request.language ?? undefined),
          variant: avatar.voiceVariant,
          rate: request.voice?.rate ?? 1,
        },
        persona: personaFrom(request.knowledge_base ?? undefined),
        transport: request.ia_is_livekit_transport ? 'livekit' : 'websocket',
        idleTimeoutSeconds,
        sessionLimitSeconds: options.sessionLimitSeconds,
      },
      {
        registry: this.deps.processes,
        codec: options.codec,
        log: options.log,
        onClosed: () => this.deps.sessions.forgetOldClosed(),
      },
    )
    this.deps.sessions.add(session)
    options.log('info', 'session created', {
      session: session.id,
      protocol: 'heygen',
      quality: session.config.quality,
    })
    return session
  }
}
