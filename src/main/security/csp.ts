/**
 * The renderer's Content-Security-Policy. `connect-src` lists only what the renderer itself talks to: the
 * avatar provider's REST host and chat socket, and the provider's media plane (LiveKit). LLM and
 * transcription calls run in the main process, so their hosts are deliberately absent here.
 */

/** HeyGen's media plane is LiveKit Cloud: `wss://` for signalling, `https://` for region settings. */
export const PROVIDER_MEDIA_SOURCES = ['wss://*.livekit.cloud', 'https://*.livekit.cloud'] as const

export interface CspInput {
  /** The provider base URL in use: the configured one, or the local sandbox. */
  providerBaseUrl: string
}

/** The provider's REST origin plus the matching WebSocket origin (same host and port, ws/wss). */
export function providerConnectSources(providerBaseUrl: string): string[] {
  const url = new URL(providerBaseUrl)
  const socketScheme = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return [url.origin, `${socketScheme}//${url.host}`]
}

export function buildRendererCsp({ providerBaseUrl }: CspInput): string {
  const connect = ["'self'", ...providerConnectSources(providerBaseUrl), ...PROVIDER_MEDIA_SOURCES]
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // wasm-unsafe-eval: the voice-activity detector runs ONNX models in WebAssembly; no JS eval is allowed.
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', 'mediastream:'],
    'font-src': ["'self'"],
    'connect-src': [...new Set(connect)],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'frame-src': ["'none'"],
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}
