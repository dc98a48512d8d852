import { parseArgs } from 'node:util'
import type { LogLevel, SandboxOptions } from './options'

export const USAGE = `Usage: npm run sandbox -- [options]

A local streaming avatar server speaking both HeyGen's legacy Interactive Avatar API and LiveAvatar's
(REST, LiveKit signalling, chat and LITE sockets, control API), on one port.

  --port N                port to listen on (default 0: a free port)
  --host ADDRESS          address to bind (default 127.0.0.1)
  --api-key KEY           only this X-Api-Key may create tokens (default: any key)
  --max-concurrent N      open sessions allowed at once, both protocols together (default 3)
  --session-limit S       seconds before a session is ended (default 600)
  --idle-timeout S        LiveAvatar: seconds without activity before IDLE_TIMEOUT (default 300)
  --sandbox-session S     LiveAvatar: length of an is_sandbox session (default 60)
  --allowed-origin ORIGIN browser origin allowed to call the sandbox, repeatable (default app://kiosk;
                          loopback http pages are always allowed)
  --codec vp8|h264        video codec (default vp8)
  --no-control-api        serve no /__sandbox/* control API (sessions, user-says, faults)
  --log-level LEVEL       debug, info, warn or error, on stderr (default info)
  --help                  show this text

When ready it prints one JSON line on stdout: {"ready":true,"baseUrl":"http://127.0.0.1:PORT"}`

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CliUsageError'
  }
}

export interface CliArgs {
  options: Omit<SandboxOptions, 'log'>
  logLevel: LogLevel
  help: boolean
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        'max-concurrent': { type: 'string' },
        'session-limit': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'sandbox-session': { type: 'string' },
        'allowed-origin': { type: 'string', multiple: true },
        codec: { type: 'string' },
        'no-control-api': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error))
  }
  const codec = values.codec as string | undefined
  if (codec !== undefined && codec !== 'vp8' && codec !== 'h264')
    throw new CliUsageError(`--codec must be vp8 or h264, got ${codec}`)
  const logLevel = (values['log-level'] as string | undefined) ?? 'info'
  if (!LOG_LEVELS.includes(logLevel as LogLevel))
    throw new CliUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`)
  const options: CliArgs['options'] = {}
  const port = integer(values.port, '--port', 0, 65535)
  const maxConcurrent = integer(values['max-concurrent'], '--max-concurrent', 1, 1000)
  const sessionLimit = integer(values['session-limit'], '--session-limit', 1, 86_400)
  const idleTimeout = integer(values['idle-timeout'], '--idle-timeout', 1, 86_400)
  const sandboxSession = integer(values['sandbox-session'], '--sandbox-session', 1, 86_400)
  const origins = values['allowed-origin'] as string[] | undefined
  for (const origin of origins ?? []) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s*]+$/i.test(origin)) {
      throw new CliUsageError(`--allowed-origin must be an exact origin like app://kiosk, got ${origin}`)
    }
  }
  if (port !== undefined) options.port = port
  if (maxConcurrent !== undefined) options.maxConcurrent = maxConcurrent
  if (sessionLimit !== undefined) options.sessionLimitSeconds = sessionLimit
  if (idleTimeout !== undefined) options.idleTimeoutSeconds = idleTimeout
  if (sandboxSession !== undefined) options.sandboxSessionSeconds = sandboxSession
  if (origins !== undefined) options.allowedOrigins = origins
  if (typeof values.host === 'string') options.host = values.host
  if (typeof values['api-key'] === 'string') options.apiKey = values['api-key']
  if (codec !== undefined) options.codec = codec
  if (values['no-control-api'] === true) options.controlApi = false
  return { options, logLevel: logLevel as LogLevel, help: values.help === true }
}

function integer(raw: unknown, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new CliUsageError(`${flag} must be an integer from ${min} to ${max}, got ${String(raw)}`)
  }
  return value
}
