import type { ProviderKind } from '../../shared/settings/schema'

/**
 * The renderer's Content-Security-Policy. `connect-src` lists only what the renderer itself talks to: the
 * avatar provider's REST host and its socket twin, and the provider's media plane. LLM, speech and
 * transcription calls run in the main process, so their hosts are deliberately absent here.
 */

/**
 * Each kind's hosts beyond its API. Both stream over LiveKit Cloud (`wss://` signalling, `https://` region
 * settings); LiveAvatar LITE also opens the `ws_url` that `/v1/sessions/start` returns, on HeyGen's
 * signalling host.
 */
export const PROVIDER_MEDIA_SOURCES: Record<ProviderKind, readonly string[]> = {
  heygen: ['wss://*.livekit.cloud', 'https://*.livekit.cloud'],
  liveavatar: ['wss://*.livekit.cloud', 'https://*.livekit.cloud', 'wss://webrtc-signaling.heygen.io'],
}

export interface CspInput {
  /** Which SDK the page runs. */
  providerKind: ProviderKind
  /** The provider base URL in use: the configured one, or the local sandbox. */
  providerBaseUrl: string
}

/** The provider's REST origin plus the matching WebSocket origin (same host and port, ws/wss). */
export function providerConnectSources(providerBaseUrl: string): string[] {
  const url = new URL(providerBaseUrl)
  const socketScheme = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return [url.origin, `${socketScheme}//${url.host}`]
}

/** The one place the production policy is built; a unit test pins its exact value per provider kind. */
export function buildRendererCsp({ providerKind, providerBaseUrl }: CspInput): string {
  const connect = [
    "'self'",
    ...providerConnectSources(providerBaseUrl),
    ...PROVIDER_MEDIA_SOURCES[providerKind],
  ]
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
