import type { IncomingMessage, ServerResponse } from 'node:http'

/** Browsers call the sandbox from another origin (the app's page, a test harness): allow everything. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, HEAD, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-api-key',
  'access-control-allow-private-network': 'true',
  'access-control-max-age': '600',
}

const MAX_BODY_BYTES = 1024 * 1024

export class BadRequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadRequestError'
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8' })
  res.end(text)
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
  res.end(text)
}

/** The request body as JSON; an empty body reads as `{}`, like the provider treats it. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_BODY_BYTES) throw new BadRequestError('request body too large')
    chunks.push(buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new BadRequestError('request body is not JSON')
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
