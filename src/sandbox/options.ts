import { DEFAULT_APP_ORIGINS } from './cors'

export type VideoCodec = 'vp8' | 'h264'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type SandboxLogger = (level: LogLevel, msg: string, ctx?: Record<string, unknown>) => void

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Defaults to 127.0.0.1: the sandbox is a local test double, never a public service. */
  host?: string
  /** When set, token minting (both protocols) checks X-Api-Key against it; otherwise any key is accepted. */
  apiKey?: string
  maxConcurrent?: number
  /** The longest a session may run; LiveAvatar tokens may ask for less (`max_session_duration`). */
  sessionLimitSeconds?: number
  /** LiveAvatar: seconds without activity before the session ends with IDLE_TIMEOUT (the provider's 5 min). */
  idleTimeoutSeconds?: number
  /** LiveAvatar: how long an `is_sandbox: true` session lasts before MAX_DURATION_REACHED (about 60 s). */
  sandboxSessionSeconds?: number
  /**
   * Browser origins whose pages may call the sandbox (exact match, credentials allowed), besides loopback
   * http pages, which are always allowed. Defaults to the kiosk's `app://kiosk`.
   */
  allowedOrigins?: string[]
  codec?: VideoCodec
  /**
   * Serve the control API (`/__sandbox/*`: sessions, user-says, faults). Default true, for `npm run sandbox`
   * and tests; the kiosk's embedded sandbox turns it off, so no local page can inject faults or read
   * transcripts. The in-process `Sandbox` handle keeps working either way.
   */
  controlApi?: boolean
  log?: SandboxLogger
}

export interface ResolvedSandboxOptions {
  port: number
  host: string
  apiKey: string | undefined
  maxConcurrent: number
  sessionLimitSeconds: number
  idleTimeoutSeconds: number
  sandboxSessionSeconds: number
  allowedOrigins: readonly string[]
  codec: VideoCodec
  controlApi: boolean
  log: SandboxLogger
}

/**
 * Trial keys allow 3 concurrent sessions; 600 s is the duration limit seen from the provider. LiveAvatar
 * documents a 5-minute idle timeout and about a minute for sandbox sessions.
 */
export const SANDBOX_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  maxConcurrent: 3,
  sessionLimitSeconds: 600,
  idleTimeoutSeconds: 300,
  sandboxSessionSeconds: 60,
  codec: 'vp8',
} as const satisfies Partial<ResolvedSandboxOptions>

export const silentSandboxLogger: SandboxLogger = () => {}

export function resolveOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  const resolved: ResolvedSandboxOptions = {
    port: options.port ?? SANDBOX_DEFAULTS.port,
    host: options.host ?? SANDBOX_DEFAULTS.host,
    apiKey: options.apiKey === '' ? undefined : options.apiKey,
    maxConcurrent: options.maxConcurrent ?? SANDBOX_DEFAULTS.maxConcurrent,
    sessionLimitSeconds: options.sessionLimitSeconds ?? SANDBOX_DEFAULTS.sessionLimitSeconds,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? SANDBOX_DEFAULTS.idleTimeoutSeconds,
    sandboxSessionSeconds: options.sandboxSessionSeconds ?? SANDBOX_DEFAULTS.sandboxSessionSeconds,
    allowedOrigins: [...(options.allowedOrigins ?? DEFAULT_APP_ORIGINS)],
    codec: options.codec ?? SANDBOX_DEFAULTS.codec,
    controlApi: options.controlApi ?? true,
    log: options.log ?? silentSandboxLogger,
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RangeError(`port must be an integer 0..65535, got ${resolved.port}`)
  }
  if (!Number.isInteger(resolved.maxConcurrent) || resolved.maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${resolved.maxConcurrent}`)
  }
  for (const key of ['sessionLimitSeconds', 'idleTimeoutSeconds', 'sandboxSessionSeconds'] as const) {
    if (!(resolved[key] > 0)) throw new RangeError(`${key} must be positive, got ${resolved[key]}`)
  }
  if (resolved.allowedOrigins.some((origin) => origin === '*' || origin.trim() === '')) {
    throw new RangeError('allowedOrigins takes exact origins: a wildcard breaks credentialed CORS')
  }
  if (resolved.codec !== 'vp8' && resolved.codec !== 'h264') {
    throw new RangeError(`codec must be vp8 or h264, got ${String(resolved.codec)}`)
  }
  return resolved
}
