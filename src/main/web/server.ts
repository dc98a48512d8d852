import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
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
import { contentTypeFor, readStaticFile } from '../services/static-files'

const MAX_BODY_BYTES = 4 * 1024 * 1024
/** Background files (the operator's, then the samples); the renderer asks for `./media/backgrounds/<name>`. */
export const BACKGROUNDS_PATH = '/media/backgrounds/'
const HEARTBEAT_MS = 15_000
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

export interface WebHostOptions {
  services: AppServices
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  port?: number
  /** Tests may fix the token; by default every launch gets a fresh random one. */
  token?: string
  /** Called when a page's event stream closes, i.e. the page went away. */
  onClientGone?: (clientId: string) => void
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

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new Error('body too large')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text.length === 0 ? {} : JSON.parse(text)
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

/** Media elements seek and loop with Range requests; a single range is all they ask for. */
async function sendFileWithRanges(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const { size } = await stat(path)
  const headers: Record<string, string> = { 'Content-Type': contentTypeFor(path), 'Accept-Ranges': 'bytes' }
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '')
  if (!range || (range[1] === '' && range[2] === '')) {
    response.writeHead(200, { ...headers, 'Content-Length': String(size) })
    if (request.method === 'HEAD') return void response.end()
    return void createReadStream(path).pipe(response)
  }
  const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1])
  const end = range[1] !== '' && range[2] !== '' ? Math.min(size - 1, Number(range[2])) : size - 1
  if (start > end || start >= size) {
    response.writeHead(416, { 'Content-Range': `bytes */${size}` })
    return void response.end()
  }
  response.writeHead(206, {
    ...headers,
    'Content-Range': `bytes ${start}-${end}/${size}`,
    'Content-Length': String(end - start + 1),
  })
  if (request.method === 'HEAD') return void response.end()
  createReadStream(path, { start, end }).pipe(response)
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
  let port = 0

  async function handleCall(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendText(response, 415, 'Bridge calls must be JSON.')
    }
    let body: unknown
    try {
      body = await readJsonBody(request)
    } catch {
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
    const unsubscribe = services.events.subscribe((name, payload, target) => {
      if (target !== undefined && target !== clientId) return
      response.write(`data: ${JSON.stringify({ name, payload })}\n\n`)
    })
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS)
    request.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
      streams.delete(response)
      options.onClientGone?.(clientId)
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
      return sendFileWithRanges(request, response, path)
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
        for (const stream of streams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
