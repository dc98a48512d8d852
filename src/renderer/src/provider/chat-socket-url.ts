/**
 * The streaming-avatar SDK opens its chat socket at `wss://<hostname of basePath>/v1/ws/streaming.chat?...`:
 * it drops the port and any path prefix, and always uses TLS. That is right for the public provider, and
 * wrong for a provider (or the local sandbox, or a proxy) on another port or behind plain HTTP. This puts
 * back what the SDK dropped, for exactly that URL and nothing else.
 */

export const CHAT_SOCKET_PATH = '/v1/ws/streaming.chat'

/**
 * Returns `socketUrl` as the SDK meant it for `providerBaseUrl`: same query, scheme and port from the base
 * URL (http→ws, https→wss), the base URL's path prefix restored. Any other URL comes back unchanged.
 */
export function correctChatSocketUrl(providerBaseUrl: string, socketUrl: string): string {
  let base: URL
  let socket: URL
  try {
    base = new URL(providerBaseUrl)
    socket = new URL(socketUrl)
  } catch {
    return socketUrl
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return socketUrl
  if (socket.protocol !== 'wss:' && socket.protocol !== 'ws:') return socketUrl
  // The SDK never writes a port; a URL with one was built by someone else and is left alone.
  const builtBySdk =
    socket.port === '' && socket.hostname === base.hostname && socket.pathname === CHAT_SOCKET_PATH
  if (!builtBySdk) return socketUrl
  const prefix = base.pathname.replace(/\/+$/, '')
  const corrected = new URL(socket.href)
  corrected.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
  corrected.port = base.port
  corrected.pathname = `${prefix}${CHAT_SOCKET_PATH}`
  return corrected.href
}

interface Installation {
  original: typeof WebSocket
  patched: typeof WebSocket
  baseUrl: string
}

const INSTALLATION = Symbol.for('avatar-kiosk.chat-socket-url-fix')

type PatchableGlobal = { WebSocket: typeof WebSocket; [INSTALLATION]?: Installation }

/**
 * Routes the SDK's chat socket to the configured provider by wrapping `WebSocket` in a subclass, so static
 * constants, `instanceof` and every other use of WebSocket keep working. Installing again only updates the
 * base URL. Returns a function that restores the original WebSocket (if nobody replaced it since).
 */
export function installChatSocketUrlFix(
  providerBaseUrl: string,
  target: PatchableGlobal = globalThis as unknown as PatchableGlobal,
): () => void {
  const existing = target[INSTALLATION]
  if (existing && target.WebSocket === existing.patched) {
    existing.baseUrl = providerBaseUrl
    return () => uninstall(target, existing)
  }
  const original = target.WebSocket
  const installation: Installation = { original, patched: original, baseUrl: providerBaseUrl }
  class ChatSocketUrlFixedWebSocket extends original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(correctChatSocketUrl(installation.baseUrl, String(url)), protocols)
    }
  }
  // Keep the name code and devtools see.
  Object.defineProperty(ChatSocketUrlFixedWebSocket, 'name', { value: original.name })
  installation.patched = ChatSocketUrlFixedWebSocket
  target.WebSocket = ChatSocketUrlFixedWebSocket
  target[INSTALLATION] = installation
  return () => uninstall(target, installation)
}

function uninstall(target: PatchableGlobal, installation: Installation): void {
  if (target[INSTALLATION] !== installation) return
  if (target.WebSocket === installation.patched) target.WebSocket = installation.original
  delete target[INSTALLATION]
}
