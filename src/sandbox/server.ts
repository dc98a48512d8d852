import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CONTROL_PREFIX, handleControl, type ControlContext } from './control/routes'
import { corsFor } from './cors'
import { FaultTable, type InjectedFailure } from './faults'
import { failure } from './heygen/envelope'
import { HeygenFrontEnd } from './heygen/front-end'
import { errorReply } from './heygen/routes'
import { delay, sendJson, sendText } from './http'
import { failure as liveAvatarFailure } from './liveavatar/envelope'
import { LiveAvatarFrontEnd } from './liveavatar/front-end'
import type { ResolvedSandboxOptions } from './options'
import { ProcessRegistry } from './processes'
import { SandboxSessions } from './session/sandbox-sessions'

export const RTC_PATH = '/rtc'

/**
 * One HTTP server for everything the SDKs and livekit-client reach, for both protocol front-ends at once
 * (legacy HeyGen REST and chat socket, LiveAvatar REST and LITE socket, the shared LiveKit signalling) plus
 * the control API, with the session state behind them.
 */
export class SandboxServer {
  readonly sessions = new SandboxSessions()
  readonly faults = new FaultTable()
  readonly processes = new ProcessRegistry()
  readonly heygen: HeygenFrontEnd
  readonly liveAvatar: LiveAvatarFrontEnd
  private readonly http: Server
  private readonly sockets = new WebSocketServer({ noServer: true })
  private readonly startedAt = Date.now()
  private readonly controlContext: ControlContext

  constructor(private readonly options: ResolvedSandboxOptions) {
    const deps = {
      options,
      sessions: this.sessions,
      processes: this.processes,
      refuseSessions: () => this.faults.refuseSessions,
    }
    this.heygen = new HeygenFrontEnd(deps)
    this.liveAvatar = new LiveAvatarFrontEnd(deps)
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

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const { pathname } = url
    res.setHeader('vary', 'Origin')
    const cors = corsFor(req.headers.origin, this.options.allowedOrigins)
    if (cors.kind === 'refused') {
      // No CORS headers: the browser blocks the page from reading this, and nothing is done on its behalf.
      this.options.log('warn', 'request from a refused origin', {
        origin: req.headers.origin,
        path: pathname,
      })
      if (method === 'OPTIONS') res.writeHead(403).end()
      else sendJson(res, 403, { code: 403, message: 'Origin not allowed', data: null })
      return
    }
    if (cors.kind === 'allowed')
      for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value)
    const liveAvatarPath = this.liveAvatar.owns(pathname)
    try {
      if (method === 'OPTIONS') {
        res.writeHead(204).end()
        return
      }
      if (pathname.startsWith(CONTROL_PREFIX)) {
        if (!this.options.controlApi) {
          // Switched off (the kiosk's embedded sandbox): answer like any unknown path, telling nothing.
          sendJson(res, 404, failure(404, `Not found: ${method} ${pathname}`))
          return
        }
        const reply = await handleControl(method, pathname, req, this.controlContext)
        sendJson(res, reply.status, reply.body)
        return
      }
      const injected = await this.injectedFailure(pathname)
      if (injected) {
        const body = liveAvatarPath
          ? liveAvatarFailure(injected.code, injected.message)
          : failure(injected.code, injected.message)
        const headers: Record<string, string> =
          injected.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(injected.retryAfterSeconds) }
        sendJson(res, injected.status, body, headers)
        return
      }
      if ((method === 'HEAD' || method === 'GET') && pathname === '/') {
        // livekit-client's prepareConnection warms the connection with HEAD <url>.
        sendText(res, 200, method === 'HEAD' ? '' : 'HeyGen- and LiveAvatar-compatible sandbox')
        return
      }
      if (method === 'GET' && pathname === `${RTC_PATH}/validate`) {
        this.validateRtc(url, res)
        return
      }
      const reply = this.liveAvatar.handle(method, url, req) ?? this.heygen.handle(method, pathname, req)
      if (!reply) {
        const body = `Not found: ${method} ${pathname}`
        sendJson(res, 404, liveAvatarPath ? liveAvatarFailure(404, body) : failure(404, body))
        return
      }
      const { status, body, headers } = await reply
      sendJson(res, status, body, headers)
    } catch (error) {
      const reply = errorReply(error)
      if (reply.status >= 500)
        this.options.log('error', 'request failed', { path: pathname, error: String(error) })
      if (!res.headersSent) sendJson(res, reply.status, reply.body)
      else res.end()
    }
  }

  /** livekit-client asks /rtc/validate why a signal socket failed; a 4xx makes it report "not allowed". */
  private validateRtc(url: URL, res: ServerResponse): void {
    const session = this.sessions.byLivekitToken(url.searchParams.get('access_token') ?? '')
    if (session?.isOpen) sendText(res, 200, 'success')
    else sendText(res, 401, 'invalid token: no open session for this access token')
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://sandbox')
    // WebSockets are not subject to CORS: a foreign page could open one, so the origin is checked here.
    if (corsFor(req.headers.origin, this.options.allowedOrigins).kind === 'refused') {
      rejectUpgrade(socket, 403, 'Origin not allowed')
      return
    }
    const injected = await this.injectedFailure(url.pathname)
    if (injected) {
      rejectUpgrade(socket, injected.status, injected.message)
      return
    }
    let taker: ((ws: WebSocket) => void) | number | undefined
    if (url.pathname === RTC_PATH) {
      const session = this.sessions.byLivekitToken(url.searchParams.get('access_token') ?? '')
      taker = session?.isOpen ? (ws) => session.attachLiveKit(ws) : 401
    } else {
      taker = this.heygen.upgrade(url) ?? this.liveAvatar.upgrade(url)
    }
    if (taker === undefined) rejectUpgrade(socket, 404, 'Not found')
    else if (typeof taker === 'number') rejectUpgrade(socket, taker, 'Unauthorized')
    else this.sockets.handleUpgrade(req, socket, head, taker)
  }

  /** Applies armed delay and failure faults for a path, in that order. */
  private async injectedFailure(pathname: string): Promise<InjectedFailure | undefined> {
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
