import { net, protocol } from 'electron'
import { pathToFileURL } from 'node:url'
import { contentTypeFor, resolveInside } from '../services/static-files'
import type { MediaLibrary } from '../services/media-library'
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

const BACKGROUNDS_PATH = '/media/backgrounds/'

async function resolvePath(url: URL, rendererDir: string, media: MediaLibrary): Promise<string | undefined> {
  if (url.host !== APP_HOST) return undefined
  if (!url.pathname.startsWith(BACKGROUNDS_PATH)) return resolveInside(rendererDir, url.pathname)
  try {
    return await media.resolveBackground(decodeURIComponent(url.pathname.slice(BACKGROUNDS_PATH.length)))
  } catch {
    return undefined
  }
}

/** Serves the built renderer and the background files from `app://kiosk/…`, with the CSP on every page. */
export function serveAppProtocol(rendererDir: string, media: MediaLibrary, csp: () => Promise<string>): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const path = await resolvePath(url, rendererDir, media)
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
