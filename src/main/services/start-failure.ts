import { redact } from './logger'

/**
 * The line a host prints when it cannot start. It goes straight to stderr (the logger may not exist yet), so it
 * gets the logger's redaction here: an error from a library or the file system can quote a key or a token.
 */
export function startFailureLine(host: string, error: unknown, knownSecrets: Iterable<string>): string {
  const message = error instanceof Error ? error.message : String(error)
  return `${host} could not start: ${redact(message, knownSecrets)}`
}
