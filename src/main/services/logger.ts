import { boundLogContext, cutText, LOG_CONTEXT_LIMITS } from './log-context'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogContext = Record<string, unknown>

export interface Logger {
  debug(message: string, context?: LogContext): void
  info(message: string, context?: LogContext): void
  warn(message: string, context?: LogContext): void
  error(message: string, context?: LogContext): void
}

/** Where log lines finally go: electron-log in both hosts, a memory array in tests. */
export type LogSink = (level: LogLevel, line: string) => void

const REDACTED = '[redacted]'

// Patterns that look like credentials even when we do not know the value (a provider echoing a header, say).
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /(x-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /(authorization["']?\s*[:=]\s*["']?bearer\s+)[^\s"',}]+/gi,
  /(bearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi,
  /()\bsk-[A-Za-z0-9_-]{16,}/g,
  /([?&](?:session_token|access_token|token)=)[^&\s"']+/gi,
]

export function redact(text: string, knownSecrets: Iterable<string>): string {
  let result = text
  for (const secret of knownSecrets) {
    // Very short values would shred ordinary words; real keys are long.
    if (secret.length >= 6) result = result.split(secret).join(REDACTED)
  }
  for (const pattern of CREDENTIAL_PATTERNS) result = result.replace(pattern, `$1${REDACTED}`)
  return result
}

/** A message is written by our own code, but may quote a library's error text of any length. */
const MESSAGE_CHARS = 2000

function describeContext(context: LogContext | undefined, secrets: readonly string[]): string {
  if (context === undefined || Object.keys(context).length === 0) return ''
  const redactText = (text: string) => redact(text, secrets)
  const json = JSON.stringify(boundLogContext(context, redactText))
  return ` ${cutText(redactText(json), LOG_CONTEXT_LIMITS.totalChars)}`
}

/**
 * Every log line passes through redaction of the secrets main currently knows, so a key can never reach a
 * log file, even when it is embedded in an error message from a library. Redaction runs before anything is
 * cut, so a cut never leaves a part of a key that redaction would no longer recognise.
 */
export function createLogger(sink: LogSink, knownSecrets: () => Iterable<string>, scope?: string): Logger {
  const write = (level: LogLevel) => (message: string, context?: LogContext) => {
    const secrets = [...knownSecrets()]
    const prefix = scope ? `[${scope}] ` : ''
    const text = cutText(redact(message, secrets), MESSAGE_CHARS)
    sink(level, redact(`${prefix}${text}${describeContext(context, secrets)}`, secrets))
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
