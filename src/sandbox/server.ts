import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CONTROL_PREFIX, handleControl, type ControlContext } from './control/routes'
import { FaultTable } from './faults'
import { CORS_HEADERS, delay, sendJson, sendText } from './http'
import type { ResolvedSandboxOptions } from './options'
import { ProcessRegistry } from './processes'
import { apiKeyAccepted, TokenStore } from './rest/auth'
import { failure } from './rest/envelope'
import { errorReply, REST_ROUTES, type RestContext } from './rest/routes'
import type { NewSessionRequest } from './rest/schemas'
import { avatarFor } from './session/avatars'
import { SessionRegistry } from './session/registry'
import { Session } from './session/session'
import { DEFAULT_QUALITY } from './media/quality'
import { personaFrom } from './speech/responder'
import { espeakLanguage } from './speech/tts'

export const RTC_PATH = '/rtc'
export const CHAT_SOCKET_PATH = '/v1/ws/streaming.chat'
const DEFAULT_IDLE_TIMEOUT_SECONDS = 120
const MAX_IDLE_TIMEOUT_SECONDS = 3600

/**
 * One HTTP server for everything the SDK and livekit-client reach (REST, LiveKit signalling, the chat
 * socket) plus the control API, with the session state behind them.
 */
export class SandboxServer {
  readonly sessions = new SessionRegistry()
  readonly tokens = new TokenStore()
  readonly faults = new FaultTable()
  readonly processes = new ProcessRegistry()
  private readonly http: Server
  private readonly sockets = new WebSocketServer({ noServer: true })
  private readonly startedAt = Date.now()
  private readonly restContext: RestContext
  private readonly controlContext: ControlContext

  constructor(private readonly options: ResolvedSandboxOptions) {
    this.restContext = {
      options,
      sessions: this.sessions,
      tokens: this.tokens,
      refuseSessions: () => this.faults.refuseSessions,
      createSession: (request) => this.createSession(request),
    }
    this.controlContext = { sessions: this.sessions, faults: this.faults, health: () => this.health() }
    this.http = createServer((req, res) => void this.handleRequest(req, res))
    this.http.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head),
    )
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject)
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject)
        resolve(this.http.address() as AddressInfo)
      })
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.open().map((session) => session.close('sandbox-shutdown')))
    await Promise.all(this.sessions.all().map((session) => session.releaseConnections()))
    for (const client of this.sockets.clients) client.terminate()
    this.sockets.close()
    this.http.closeAllConnections()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
    await this.processes.closeAll()
  }

  health(): Record<string, unknown> {
    return {
      ok: true,
      uptimeMs: Date.now() - this.startedAt,
      openSessions: this.sessions.open().length,
      maxConcurrent: this.options.maxConcurrent,
      codec: this.options.codec,
      processes: this.processes.size,
    }
  }

  private createSession(request: NewSessionRequest): Session {
    const avatar = avatarFor(request.avatar_name ?? request.avatar_id)
    const requestedIdle = request.disable_idle_timeout
      ? MAX_IDLE_TIMEOUT_SECONDS
      : (request.activity_idle_timeout ?? DEFAULT_IDLE_TIMEOUT_SECONDS)
    const idleTimeoutSeconds = Math.min(MAX_IDLE_TIMEOUT_SECONDS, requestedIdle)
    if (idleTimeoutSeconds < 30) {
      this.options.log(
        'warn',
        'activity_idle_timeout below the provider minimum of 30 s: accepted for tests',
        {
          seconds: idleTimeoutSeconds,
        },
      )
    }
    const session = new Session(
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
        sessionLimitSeconds: this.options.sessionLimitSeconds,
      },
      {
        registry: this.processes,
        codec: this.options.codec,
        log: this.options.log,
        onClosed: () => this.sessions.forgetOldClosed(),
      },
    )
    this.sessions.add(session)
    this.options.log('info', 'session created', { session: session.id, quality: session.config.quality })
    return session
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const pathname = new URL(req.url ?? '/', 'http://sandbox').pathname
    try {
      if (method === 'OPTIONS') {
        res.writeHead(204, CORS_HEADERS).end()
        return
      }
      if (pathname.startsWith(CONTROL_PREFIX)) {
        const reply = await handleControl(method, pathname, req, this.controlContext)
        sendJson(res, reply.status, reply.body)
        return
      }
      const injected = await this.injectedFailure(pathname)
      if (injected) {
        sendJson(res, injected.status, failure(injected.code, injected.message))
        return
      }
      if ((method === 'HEAD' || method === 'GET') && pathname === '/') {
        // livekit-client's prepareConnection warms the connection with HEAD <url>.
        sendText(res, 200, method === 'HEAD' ? '' : 'HeyGen-compatible sandbox')
        return
      }
      if (method === 'GET' && pathname === `${RTC_PATH}/validate`) {
        this.validateRtc(req, res)
        return
      }
      const route = REST_ROUTES[`${method} ${pathname}`]
      if (!route) {
        sendJson(res, 404, failure(404, `Not found: ${method} ${pathname}`))
        return
      }
      const reply = await route(req, this.restContext)
      sendJson(res, reply.status, reply.body)
    } catch (error) {
      const reply = errorReply(error)
      if (reply.status >= 500)
        this.options.log('error', 'request failed', { path: pathname, error: String(error) })
      if (!res.headersSent) sendJson(res, reply.status, reply.body)
      else res.end()
    }
  }

  /** livekit-client asks /rtc/validate why a signal socket failed; a 4xx makes it report "not allowed". */
  private validateRtc(req: IncomingMessage, res: ServerResponse): void {
    const token = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('access_token') ?? ''
    const session = this.sessions.byLivekitToken(token)
    if (session?.isOpen) sendText(res, 200, 'success')
    else sendText(res, 401, 'invalid token: no open session for this access token')
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const injected = await this.injectedFailure(url.pathname)
    if (injected) {
      rejectUpgrade(socket, injected.status, injected.message)
      return
    }
    if (url.pathname === RTC_PATH) {
      const session = this.sessions.byLivekitToken(url.searchParams.get('access_token') ?? '')
      if (!session?.isOpen) {
        rejectUpgrade(socket, 401, 'invalid token')
        return
      }
      this.accept(req, socket, head, (ws) => session.attachLiveKit(ws))
      return
    }
    if (url.pathname === CHAT_SOCKET_PATH) {
      const sessionId = url.searchParams.get('session_id') ?? ''
      const token = url.searchParams.get('session_token') ?? ''
      const session = this.sessions.get(sessionId)
      // A session made with a token takes only that token; one made with an API key takes the key.
      const tokenFits = this.tokens.hasToken(sessionId)
        ? this.tokens.sessionOf(token) === sessionId
        : apiKeyAccepted(this.options.apiKey, token)
      if (!session?.isOpen || !tokenFits) {
        rejectUpgrade(socket, 401, 'Unauthorized')
        return
      }
      this.accept(req, socket, head, (ws) => session.attachChatSocket(ws))
      return
    }
    rejectUpgrade(socket, 404, 'Not found')
  }

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, use: (ws: WebSocket) => void): void {
    this.sockets.handleUpgrade(req, socket, head, (ws) => use(ws))
  }

  /** Applies armed delay and failure faults for a path, in that order. */
  private async injectedFailure(pathname: string): Promise<ReturnType<FaultTable['takeFailure']>> {
    const ms = this.faults.takeDelayMs(pathname)
    if (ms > 0) await delay(ms)
    return this.faults.takeFailure(pathname)
  }
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
