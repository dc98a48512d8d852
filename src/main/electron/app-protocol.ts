import { net, protocol } from 'electron'
import { pathToFileURL } from 'node:url'
import { contentTypeFor, resolveInside } from '../services/static-files'
import { APP_HOST, APP_SCHEME } from './app-origin'

/** Must run before `app.ready`: a standard, secure scheme is a secure context, so `getUserMedia` works. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
    },
  ])
}

/** Serves the built renderer from `app://kiosk/…`, with the CSP on every page. */
export function serveAppProtocol(rendererDir: string, csp: () => Promise<string>): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const path = url.host === APP_HOST ? resolveInside(rendererDir, url.pathname) : undefined
    if (!path) return new Response('Not found', { status: 404 })
    const file = await net.fetch(pathToFileURL(path).toString(), { headers: request.headers })
    if (!file.ok && file.status !== 206) return new Response('Not found', { status: 404 })
    const headers = new Headers(file.headers)
    headers.set('Content-Type', contentTypeFor(path))
    headers.set('X-Content-Type-Options', 'nosniff')
    if (path.endsWith('.html')) headers.set('Content-Security-Policy', await csp())
    return new Response(file.body, { status: file.status, headers })
  })
}
