import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const TOKEN_HEADER = 'x-kiosk-token'
export const CLIENT_HEADER = 'x-kiosk-client'

export function createLaunchToken(): string {
  return randomBytes(32).toString('base64url')
}

function sameToken(expected: string, candidate: string | undefined): boolean {
  if (candidate === undefined) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(candidate)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function cookieName(port: number): string {
  // Cookies ignore ports, so two hosts on one machine must not share a cookie name.
  return `kiosk_token_${port}`
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

/**
 * Rejects DNS-rebinding: a page on another site that resolves its own name to 127.0.0.1 still sends its own
 * Host header, which we refuse.
 */
export function isAllowedHost(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

/** A cross-origin page may send requests but never with our Origin; browsers cannot forge it. */
export function isSameOriginOrAbsent(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin
  return (
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
  )
}

export interface TokenCheck {
  /** Sent explicitly (header or query): required for the bridge API, which a cross-site form cannot add. */
  explicit: boolean
  /** Any valid token, the cookie included: enough for static files such as scripts and images. */
  any: boolean
  /** The query carried a valid token, so the response should set the cookie for later asset loads. */
  fromQuery: boolean
}

export function checkToken(request: IncomingMessage, url: URL, token: string, port: number): TokenCheck {
  const header = request.headers[TOKEN_HEADER]
  const fromHeader = sameToken(token, typeof header === 'string' ? header : undefined)
  const fromQuery = sameToken(token, url.searchParams.get('token') ?? undefined)
  const fromCookie = sameToken(token, readCookie(request, cookieName(port)))
  return { explicit: fromHeader || fromQuery, any: fromHeader || fromQuery || fromCookie, fromQuery }
}
