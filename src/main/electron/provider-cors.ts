import type { Session } from 'electron'
import { APP_ORIGIN } from './app-origin'

/**
 * LiveAvatar's SDK calls `{base}/v1/sessions/start|stop|keep-alive` from the page with `credentials: 'include'`
 * and a Bearer header, so the browser wants an exact `Access-Control-Allow-Origin` plus
 * `Access-Control-Allow-Credentials: true`, after a preflight. Our page's origin is a custom scheme
 * (`app://kiosk`) that the provider may not list, so main answers CORS for the provider's API origin, and
 * for nothing else: every other response passes through untouched.
 */

export interface ReceivedHeaders {
  url: string
  method: string
  statusCode: number
  statusLine: string
  responseHeaders?: Record<string, string[]>
}

export interface CorsRewrite {
  responseHeaders: Record<string, string[]>
  statusLine?: string
}

/** Only what the SDK sends: its JSON body and the session token. */
export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type'
export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS'

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/**
 * The CORS answer for one response, or undefined to leave it alone. `providerOrigin` is the configured API's
 * origin (undefined: touch nothing). A preflight the provider refused (e.g. 404/405 for OPTIONS) gets a 204
 * status line, or the browser would stop before the real request.
 */
export function providerCorsRewrite(
  details: ReceivedHeaders,
  providerOrigin: string | undefined,
  appOrigin: string = APP_ORIGIN,
): CorsRewrite | undefined {
  if (providerOrigin === undefined || originOf(details.url) !== providerOrigin) return undefined
  const responseHeaders: Record<string, string[]> = {}
  for (const [name, values] of Object.entries(details.responseHeaders ?? {})) {
    // The provider's own CORS answer (perhaps `*`, or another origin) would conflict with ours.
    if (!name.toLowerCase().startsWith('access-control-')) responseHeaders[name] = values
  }
  responseHeaders['Access-Control-Allow-Origin'] = [appOrigin]
  responseHeaders['Access-Control-Allow-Credentials'] = ['true']
  responseHeaders['Access-Control-Allow-Headers'] = [CORS_ALLOWED_HEADERS]
  responseHeaders['Access-Control-Allow-Methods'] = [CORS_ALLOWED_METHODS]
  responseHeaders['Access-Control-Max-Age'] = ['600']
  const isPreflight = details.method.toUpperCase() === 'OPTIONS'
  const ok = details.statusCode >= 200 && details.statusCode < 300
  return isPreflight && !ok ? { responseHeaders, statusLine: 'HTTP/1.1 204 No Content' } : { responseHeaders }
}

/**
 * Installs the rewrite on a session. The origin is read for every response, so a changed provider URL, kind or
 * key applies at once without reinstalling (Electron keeps one listener per event anyway).
 */
export function installProviderCors(session: Session, providerOrigin: () => string | undefined): void {
  session.webRequest.onHeadersReceived({ urls: ['http://*/*', 'https://*/*'] }, (details, callback) => {
    callback(providerCorsRewrite(details, providerOrigin()) ?? {})
  })
}
