export type VideoCodec = 'vp8' | 'h264'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type SandboxLogger = (level: LogLevel, msg: string, ctx?: Record<string, unknown>) => void

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Defaults to 127.0.0.1: the sandbox is a local test double, never a public service. */
  host?: string
  /** When set, create_token checks X-Api-Key against it; otherwise any key is accepted. */
  apiKey?: string
  maxConcurrent?: number
  sessionLimitSeconds?: number
  codec?: VideoCodec
  log?: SandboxLogger
}

export interface ResolvedSandboxOptions {
  port: number
  host: string
  apiKey: string | undefined
  maxConcurrent: number
  sessionLimitSeconds: number
  codec: VideoCodec
  log: SandboxLogger
}

/** Trial keys allow 3 concurrent sessions; 600 s is the duration limit seen from the provider. */
export const SANDBOX_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  maxConcurrent: 3,
  sessionLimitSeconds: 600,
  codec: 'vp8',
} as const satisfies Partial<ResolvedSandboxOptions>

export const silentLogger: SandboxLogger = () => {}

export function resolveOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  const resolved: ResolvedSandboxOptions = {
    port: options.port ?? SANDBOX_DEFAULTS.port,
    host: options.host ?? SANDBOX_DEFAULTS.host,
    apiKey: options.apiKey === '' ? undefined : options.apiKey,
    maxConcurrent: options.maxConcurrent ?? SANDBOX_DEFAULTS.maxConcurrent,
    sessionLimitSeconds: options.sessionLimitSeconds ?? SANDBOX_DEFAULTS.sessionLimitSeconds,
    codec: options.codec ?? SANDBOX_DEFAULTS.codec,
    log: options.log ?? silentLogger,
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new RangeError(`port must be an integer 0..65535, got ${resolved.port}`)
  }
  if (!Number.isInteger(resolved.maxConcurrent) || resolved.maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${resolved.maxConcurrent}`)
  }
  if (!(resolved.sessionLimitSeconds > 0)) {
    throw new RangeError(`sessionLimitSeconds must be positive, got ${resolved.sessionLimitSeconds}`)
  }
  if (resolved.codec !== 'vp8' && resolved.codec !== 'h264') {
    throw new RangeError(`codec must be vp8 or h264, got ${String(resolved.codec)}`)
  }
  return resolved
}
