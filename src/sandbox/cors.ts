/**
 * Credentialed CORS with an exact origin. The LiveAvatar SDK fetches with `credentials: "include"` and an
 * Authorization header, and browsers refuse such a reply unless it names the page's origin and allows
 * credentials: a wildcard makes the SDK's start() fail ("API request failed", status null). So every route
 * echoes the origin, and only for the app and loopback pages: any other site gets no CORS headers at all.
 */

/** The kiosk's renderer origin (src/main/electron/app-origin.ts); the sandbox imports nothing from the app. */
export const DEFAULT_APP_ORIGINS: readonly string[] = ['app://kiosk']

const LOOPBACK_ORIGIN = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i

export const CORS_ALLOWED_HEADERS = 'authorization, content-type, x-api-key'
export const CORS_ALLOWED_METHODS = 'GET, POST, DELETE, HEAD, OPTIONS'

/** Exact match against the configured origins, or any port on a loopback host (the web host, test pages). */
export function originAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  return allowedOrigins.includes(origin) || LOOPBACK_ORIGIN.test(origin)
}

export type CorsVerdict =
  /** No Origin header: not a browser's cross-origin request (Node, curl). Nothing to add. */
  { kind: 'none' } | { kind: 'allowed'; headers: Record<string, string> } | { kind: 'refused' }

export function corsFor(origin: string | undefined, allowedOrigins: readonly string[]): CorsVerdict {
  if (origin === undefined) return { kind: 'none' }
  if (!originAllowed(origin, allowedOrigins)) return { kind: 'refused' }
  return {
    kind: 'allowed',
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': CORS_ALLOWED_METHODS,
      'access-control-allow-headers': CORS_ALLOWED_HEADERS,
      // Chromium's private-network checks: the app (a custom scheme) calling a loopback server.
      'access-control-allow-private-network': 'true',
      'access-control-max-age': '600',
    },
  }
}
