import { applyFault } from './control/routes'
import { faultSchema } from './faults'
import { resolveOptions, type SandboxOptions } from './options'
import { checkPrerequisites } from './prerequisites'
import { SandboxServer } from './server'
import type { SessionSnapshot } from './session/room-session'

export type { LogLevel, SandboxLogger, SandboxOptions, VideoCodec } from './options'
export type { Fault } from './faults'
export type { AudioUtteranceRecord, SessionSnapshot } from './session/room-session'
export { SandboxPrerequisiteError } from './prerequisites'
export { HEARD_QUESTION } from './liveavatar/session'
export { WAYNE_AVATAR_ID } from './liveavatar/catalog'

/**
 * A running sandbox. At `baseUrl` it serves, side by side:
 * - HeyGen's legacy Interactive Avatar API: `POST /v1/streaming.create_token|new|start|task|interrupt|
 *   keep_alive|start_listening|stop_listening|stop`, `GET /v1/streaming.list`, `GET /v1/streaming/avatar.list`,
 *   and the pipecat chat socket `/v1/ws/streaming.chat`;
 * - LiveAvatar's API: `POST /v1/sessions/token` (X-API-KEY), `POST /v1/sessions/start|stop|keep-alive`
 *   (Bearer session token; stop and keep-alive also with X-API-KEY and `{session_id}`),
 *   `GET /v1/sessions?type=active|historic`, `GET /v1/sessions/{id}`, `GET /v1/avatars`,
 *   `GET /v1/avatars/public`, `GET /v1/voices`, `GET /v1/contexts`, and the LITE socket at the `ws_url` that
 *   `/start` returns (`/v1/sessions/{id}/ws?token=…`);
 * - LiveKit signalling for both at `/rtc` (the `livekit_url` / `url` is this same host);
 * - the control API: `GET /__sandbox/health`, `GET /__sandbox/sessions`,
 *   `POST /__sandbox/sessions/{id}/user-says {text}`, `GET|POST|DELETE /__sandbox/faults`, unless
 *   `controlApi: false` (then 404; the methods below work either way).
 * Browsers may call it from loopback pages and `allowedOrigins` only (credentialed CORS, exact origin).
 */
export interface Sandbox {
  /** e.g. http://127.0.0.1:43125: the provider base URL for either SDK, and the control API's root. */
  baseUrl: string
  port: number
  /** The same data as GET /__sandbox/sessions: both protocols, with `protocol`, LiveAvatar's `mode`, &c. */
  sessions(): SessionSnapshot[]
  /**
   * The same as POST /__sandbox/sessions/{id}/user-says: the visitor's words as the provider's speech-to-text
   * would report them, and its answer (legacy: when its brain is in charge; LiveAvatar: in FULL mode).
   * Throws for an unknown or closed session.
   */
  userSays(sessionId: string, text: string): { taskId: string; answered: boolean }
  /**
   * The same as POST /__sandbox/faults; accepts the same shapes: `rest` (status, code, message,
   * retryAfterSeconds), `delay`, `disconnect` (LiveKit leave), `drop-chat-socket` (legacy chat socket or
   * LITE socket), `refuse-sessions`, `server-stop` (LiveAvatar `session.stopped`, then the session ends).
   */
  injectFault(fault: unknown): void
  /** Process ids of running ffmpeg / espeak-ng children, for leak checks. */
  childPids(): number[]
  /** Ends every session (LiveKit leave), kills every child process, closes every socket. */
  close(): Promise<void>
}

/** Starts a HeyGen-compatible sandbox in this process. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options)
  await checkPrerequisites(resolved.codec, resolved.log)
  const server = new SandboxServer(resolved)
  const address = await server.listen()
  const host = ['0.0.0.0', '::', ''].includes(resolved.host) ? '127.0.0.1' : resolved.host
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  resolved.log('info', 'sandbox listening', {
    baseUrl,
    codec: resolved.codec,
    maxConcurrent: resolved.maxConcurrent,
  })
  let closing: Promise<void> | undefined
  return {
    baseUrl,
    port: address.port,
    sessions: () => server.sessions.snapshots(),
    userSays: (sessionId, text) => {
      const session = server.sessions.get(sessionId)
      if (!session?.isOpen) throw new Error(`no open session ${sessionId}`)
      return session.userSays(text)
    },
    injectFault: (fault) => {
      const reply = applyFault(faultSchema.parse(fault), server)
      if (reply.status !== 200) throw new Error(`fault not applied: ${JSON.stringify(reply.body)}`)
    },
    childPids: () => server.processes.pids(),
    close: () => (closing ??= server.close()),
  }
}
