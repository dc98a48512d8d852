import type { DiagnosticCheck } from '../../../shared/diagnostics'
import type { ProviderKind } from '../../../shared/settings/schema'
import { BridgeError } from '../../../shared/result'
import { ProviderError, providerRequest } from '../providers/provider-errors'
import { DIAGNOSTIC_TIMEOUT_MS, elapsedMs, passLine, problemLine } from './check-line'

const ID = 'provider'
const LABEL = 'Avatar service'

export type ProviderProbeTarget =
  | { availability: 'sandbox' }
  | { availability: 'not-configured' }
  | { availability: 'configured'; kind: ProviderKind; baseUrl: string; apiKey: string }

export interface ProbeOptions {
  timeoutMs?: number
  fetchImpl?: typeof fetch
}

/**
 * A keyed GET that lists at most one small thing and opens no session (nothing is billed): LiveAvatar's
 * voices, one per page; the legacy API's list of open sessions.
 */
function probeUrl(kind: ProviderKind, baseUrl: string): string {
  return kind === 'heygen' ? `${baseUrl}/v1/streaming.list` : `${baseUrl}/v1/voices?page=1&page_size=1`
}

function keyHeader(kind: ProviderKind, apiKey: string): Record<string, string> {
  return kind === 'heygen' ? { 'X-Api-Key': apiKey } : { 'X-API-KEY': apiKey }
}

/** What the status code says, for a reply that did arrive. Only the code is read, never the body. */
function lineForStatus(status: number, latencyMs: number): DiagnosticCheck {
  const detail = `HTTP ${status} in ${latencyMs} ms`
  if (status >= 200 && status < 300)
    return passLine(ID, LABEL, `Reached with the API key: ${detail}`, latencyMs)
  const line = (state: 'warn' | 'fail', what: string, fix: string) =>
    problemLine(state, { id: ID, label: LABEL, detail: `${what}: ${detail}`, fix, latencyMs })
  if (status === 401 || status === 403)
    return line('fail', 'The API key was rejected', 'Check the API key in Avatar service.')
  if (status === 429)
    return line('warn', 'Reached, but busy (too many requests)', 'Wait a minute and run the check again.')
  if (status >= 500)
    return line(
      'fail',
      'The service reported a problem',
      'Try again later; if it persists, check the provider’s status page.',
    )
  return line('fail', 'Unexpected answer', 'Check the Service URL in Avatar service.')
}

/** Reachability of the avatar service with the stored key: status code and latency only. */
export async function checkProvider(
  target: ProviderProbeTarget,
  { timeoutMs = DIAGNOSTIC_TIMEOUT_MS, fetchImpl }: ProbeOptions = {},
): Promise<DiagnosticCheck> {
  if (target.availability === 'sandbox') {
    return passLine(ID, LABEL, 'The built-in sandbox (no API key set): nothing to reach.')
  }
  if (target.availability === 'not-configured') {
    return problemLine('fail', {
      id: ID,
      label: LABEL,
      detail: 'No API key is set.',
      fix: 'Add the API key in Avatar service.',
    })
  }
  const start = performance.now()
  try {
    const reply = await providerRequest({
      url: probeUrl(target.kind, target.baseUrl),
      method: 'GET',
      headers: keyHeader(target.kind, target.apiKey),
      timeoutMs,
      ...(fetchImpl ? { fetchImpl } : {}),
    })
    return lineForStatus(reply.status, elapsedMs(start))
  } catch (error) {
    const latencyMs = elapsedMs(start)
    if (error instanceof ProviderError && error.kind === 'timeout') {
      return problemLine('fail', {
        id: ID,
        label: LABEL,
        detail: `No answer within ${timeoutMs / 1000} s.`,
        fix: 'Check the network connection and the Service URL in Avatar service.',
        latencyMs,
      })
    }
    if (error instanceof BridgeError) {
      // The https rule refused the URL before the key was sent.
      return problemLine('fail', {
        id: ID,
        label: LABEL,
        detail: 'The Service URL does not use https, so the key was not sent.',
        fix: 'Use an https:// Service URL in Avatar service (http only for a server on this computer).',
      })
    }
    return problemLine('fail', {
      id: ID,
      label: LABEL,
      detail: 'Cannot be reached (name not found, connection refused or redirected).',
      fix: 'Check the network connection and the Service URL in Avatar service.',
      latencyMs,
    })
  }
}
