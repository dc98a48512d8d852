import { open, type FileHandle } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import type { AppServices } from '../app-services'
import { buildRendererCsp } from '../security/csp'
import {
  CLIENT_HEADER,
  checkToken,
  cookieName,
  createLaunchToken,
  isAllowedHost,
  isSameOriginOrAbsent,
} from './access'
import type { Logger } from '../services/logger'
import { contentTypeFor, readStaticFile } from '../services/static-files'

const MAX_BODY_BYTES = 4 * 1024 * 1024
/** Background files (the operator's, then the samples); the renderer asks for `./media/backgrounds/<name>`. */
export const BACKGROUNDS_PATH = '/media/backgrounds/'
const HEARTBEAT_MS = 15_000
/** EventSource reconnects after 2 s (`retry:` below); a page whose stream stays away longer than this is gone. */
const DEFAULT_CLIENT_GONE_GRACE_MS = 5_000
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

export interface WebHostOptions {
  services: AppServices
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  port?: number
  /** Tests may fix the token; by default every launch gets a fresh random one. */
  token?: string
  /**
   * Called when a page's event stream has stayed closed for `clientGoneGraceMs`, i.e. the page went away. A
   * brief drop that the page's EventSource reconnects within that time is not a page gone.
   */
  onClientGone?: (clientId: string) => void
  clientGoneGraceMs?: number
}

export interface WebHost {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'microphone=(self), camera=(), geolocation=(), usb=(), serial=(), hid=()',
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  response.end(text)
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  })
  response.end(JSON.stringify(value))
}

class BodyTooLargeError extends Error {}

/** An over-size body is read and dropped up to this much; beyond it the caller is cut off. */
const MAX_DRAINED_BYTES = 8 * MAX_BODY_BYTES

/**
 * Drops the rest of an over-size body before the 413 goes out: a socket closed while the caller is still
 * sending makes fetch() fail with EPIPE, and the caller never sees the 413. A body past MAX_DRAINED_BYTES is
 * not worth reading: that caller is cut off.
 */
function drainBody(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let drained = 0
    request.on('data', (chunk: Buffer) => {
      drained += chunk.length
      if (drained > MAX_DRAINED_BYTES) request.destroy()
    })
    request.once('end', () => resolve())
    request.once('close', () => resolve())
    request.resume()
  })
}

/** Reads the body, refusing more than MAX_BODY_BYTES (the rest is drained, so the caller gets its 413). */
async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    await drainBody(request)
    throw new BodyTooLargeError()
  }
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const collect = (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      request.off('data', collect)
      chunks.length = 0
      void drainBody(request).then(() => reject(new BodyTooLargeError()))
    }
    request.on('data', collect)
    request.once('end', () => {
      if (size <= MAX_BODY_BYTES) resolve(Buffer.concat(chunks).toString('utf8'))
    })
    request.once('error', reject)
    // A caller that hangs up mid-body: without this the read would wait forever (after 'end' it is a no-op).
    request.once('close', () => {
      if (size <= MAX_BODY_BYTES) reject(new Error('request closed before its body ended'))
    })
  })
  return text.length === 0 ? {} : JSON.parse(text)
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/**
 * Media elements seek and loop with Range requests; a single range is all they ask for. The file is opened
 * before anything is answered, and its size read from the open file: a file deleted or replaced meanwhile
 * is a 404 or the old file's bytes, never a stream that fails with nobody listening.
 */
async function sendFileWithRanges(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  log: Logger,
): Promise<void> {
  let file: FileHandle
  try {
    file = await open(path, 'r')
  } catch {
    return sendText(response, 404, 'Not found.')
  }
  let streaming = false
  try {
    const info = await file.stat()
    if (!info.isFile()) return sendText(response, 404, 'Not found.')
    const { size } = info
    const headers: Record<string, string> = { 'Content-Type': contentTypeFor(path), 'Accept-Ranges': 'bytes' }
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '')
    let start = 0
    let end = size - 1
    if (!range || (range[1] === '' && range[2] === '')) {
      response.writeHead(200, { ...headers, 'Content-Length': String(size) })
    } else {
      start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1])
      end = range[1] !== '' && range[2] !== '' ? Math.min(size - 1, Number(range[2])) : size - 1
      if (start > end || start >= size) {
        response.writeHead(416, { 'Content-Range': `bytes */${size}` })
        return void response.end()
      }
      response.writeHead(206, {
        ...headers,
        'Content-Range': `bytes ${start}-${end}/${size}`,
        'Content-Length': String(end - start + 1),
      })
    }
    if (request.method === 'HEAD' || size === 0) return void response.end()
    streaming = true
    // pipeline closes the file when the response ends, fails or the player hangs up mid-file (seeks do).
    pipeline(file.createReadStream({ start, end }), response, (error) => {
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
        log.warn('background file stream failed', { path, error })
    })
  } finally {
    if (!streaming) await file.close()
  }
}

/**
 * Which pages have an open event stream. A page counts as gone only once its last stream has stayed closed for
 * the grace period: an EventSource that drops (a network blip, a host busy for a moment) reconnects by itself.
 */
class ClientPresence {
  private readonly openStreams = new Map<string, number>()
  private readonly goneTimers = new Map<string, NodeJS.Timeout>()
  private stopped = false

  constructor(
    private readonly graceMs: number,
    private readonly onGone: (clientId: string) => void,
  ) {}

  connected(clientId: string): void {
    clearTimeout(this.goneTimers.get(clientId))
    this.goneTimers.delete(clientId)
    this.openStreams.set(clientId, (this.openStreams.get(clientId) ?? 0) + 1)
  }

  disconnected(clientId: string): void {
    if (this.stopped) return
    const remaining = (this.openStreams.get(clientId) ?? 1) - 1
    if (remaining > 0) return void this.openStreams.set(clientId, remaining)
    this.openStreams.delete(clientId)
    clearTimeout(this.goneTimers.get(clientId))
    this.goneTimers.set(
      clientId,
      setTimeout(() => {
        this.goneTimers.delete(clientId)
        this.onGone(clientId)
      }, this.graceMs),
    )
  }

  /** The host is closing: its owner stops every session itself, so no page is reported gone from now on. */
  stop(): void {
    this.stopped = true
    for (const timer of this.goneTimers.values()) clearTimeout(timer)
    this.goneTimers.clear()
    this.openStreams.clear()
  }
}

function clientIdOf(value: string | string[] | null | undefined): string {
  return typeof value === 'string' && CLIENT_ID_PATTERN.test(value) ? `web:${value}` : 'web:anonymous'
}

/**
 * The web host: the same main-process services behind a loopback HTTP bridge. It serves the built renderer and
 * the bridge contract (`POST /api/call/<name>`, events over SSE at `/api/events`) on 127.0.0.1 only, and every
 * request must carry the per-launch token.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services, rendererDir } = options
  const token = options.token ?? createLaunchToken()
  const log = services.hostLog('web-host')
  const streams = new Set<ServerResponse>()
  const clients = new ClientPresence(options.clientGoneGraceMs ?? DEFAULT_CLIENT_GONE_GRACE_MS, (clientId) =>
    options.onClientGone?.(clientId),
  )
  let port = 0

  async function handleCall(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendText(response, 415, 'Bridge calls must be JSON.')
    }
    let body: unknown
    try {
      body = await readJsonBody(request)
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendJson(response, 413, {
          ok: false,
          error: { code: 'invalid-request', message: 'The request is too large.' },
        })
      }
      return sendJson(response, 400, {
        ok: false,
        error: { code: 'invalid-request', message: 'Malformed JSON body.' },
      })
    }
    const payload =
      typeof body === 'object' && body !== null ? (body as { request?: unknown }).request : undefined
    const result = await services.dispatch(name, payload, {
      clientId: clientIdOf(request.headers[CLIENT_HEADER]),
    })
    sendJson(response, 200, result)
  }

  function handleEvents(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const clientId = clientIdOf(url.searchParams.get('client'))
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    })
    response.write('retry: 2000\n\n')
    streams.add(response)
    clients.connected(clientId)
    const unsubscribe = services.events.subscribe((name, payload, target) => {
      if (target !== undefined && target !== clientId) return
      response.write(`data: ${JSON.stringify({ name, payload })}\n\n`)
    })
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS)
    request.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
      streams.delete(response)
      clients.disconnected(clientId)
    })
  }

  async function handleStatic(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    setCookie: boolean,
  ) {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, 'Method not allowed.')
    if (url.pathname.startsWith(BACKGROUNDS_PATH)) {
      const name = safeDecode(url.pathname.slice(BACKGROUNDS_PATH.length))
      const path = name === undefined ? undefined : await services.media.resolveBackground(name)
      if (!path) return sendText(response, 404, 'Not found.')
      return sendFileWithRanges(request, response, path, log)
    }
    const file = await readStaticFile(rendererDir, url.pathname)
    if (!file) return sendText(response, 404, 'Not found.')
    const headers: Record<string, string> = { 'Content-Type': contentTypeFor(file.path) }
    if (file.path.endsWith('.html')) {
      headers['Content-Security-Policy'] = buildRendererCsp(services.provider.cspInput())
      headers['Cache-Control'] = 'no-store'
    }
    if (setCookie) headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
    response.writeHead(200, headers)
    response.end(request.method === 'HEAD' ? undefined : file.body)
  }

  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value)
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`)
    if (!isAllowedHost(request, port)) return sendText(response, 403, 'Host not allowed.')
    const access = checkToken(request, url, token, port)

    const route = async () => {
      if (url.pathname.startsWith('/api/')) {
        if (!access.explicit) return sendText(response, 401, 'Missing or wrong kiosk token.')
        if (!isSameOriginOrAbsent(request, port))
          return sendText(response, 403, 'Cross-origin requests are refused.')
        const call = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname)
        if (call?.[1] && request.method === 'POST') return handleCall(request, response, call[1])
        if (url.pathname === '/api/events' && request.method === 'GET')
          return handleEvents(request, response, url)
        return sendText(response, 404, 'Not found.')
      }
      if (!access.any)
        return sendText(response, 401, 'Open the kiosk with its launch link (it carries ?token=…).')
      return handleStatic(request, response, url, access.fromQuery)
    }
    route().catch((error: unknown) => {
      log.error('request failed', { path: url.pathname, error })
      if (!response.headersSent) sendText(response, 500, 'Internal error.')
      else response.end()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('web host has no TCP address')
  port = address.port
  log.info('web host listening', { port })

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        clients.stop()
        for (const stream of streams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
