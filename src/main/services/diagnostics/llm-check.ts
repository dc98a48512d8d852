import type { DiagnosticCheck } from '../../../shared/diagnostics'
import { isLoopbackUrl, isSecureOrLoopbackUrl } from '../../../shared/settings/fields'
import { DIAGNOSTIC_TIMEOUT_MS, elapsedMs, passLine, problemLine } from './check-line'
import type { ProbeOptions } from './provider-check'

const ID = 'llm'
const LABEL = 'LLM server'
const CHECK_URL_FIX = 'Check the LLM URL in Conversation, and that this computer reaches it.'

export interface LlmProbeTarget {
  baseUrl: string
  /** Undefined when no key is stored. */
  apiKey: string | undefined
  /** Whether the kiosk answers with our own LLM now (conversation mode `llm`, or LiveAvatar LITE). */
  inUse: boolean
}

function line(status: 'warn' | 'fail', detail: string, fix: string, latencyMs?: number): DiagnosticCheck {
  return problemLine(status, {
    id: ID,
    label: LABEL,
    detail,
    fix,
    ...(latencyMs !== undefined ? { latencyMs } : {}),
  })
}

function lineForStatus(status: number, latencyMs: number): DiagnosticCheck {
  const detail = `HTTP ${status} in ${latencyMs} ms`
  if (status >= 200 && status < 300) return passLine(ID, LABEL, `Model list reached: ${detail}`, latencyMs)
  if (status === 401 || status === 403)
    return line(
      'fail',
      `The LLM key was rejected: ${detail}`,
      'Check the LLM key in Conversation.',
      latencyMs,
    )
  if (status === 429)
    return line(
      'warn',
      `Reached, but busy or out of quota: ${detail}`,
      'Check the LLM account’s quota.',
      latencyMs,
    )
  if (status >= 500)
    return line(
      'fail',
      `The LLM server reported a problem: ${detail}`,
      'Try again later, or check the LLM server.',
      latencyMs,
    )
  // Reached, but no model list there: often a URL without its /v1; some servers have no /models at all.
  return line(
    'warn',
    `Reached, but /models answered ${detail}`,
    'Check the LLM URL in Conversation (it usually ends in /v1).',
    latencyMs,
  )
}

/**
 * `GET {baseUrl}/models` with the LLM key: status code and latency only. The key is sent only over https or to
 * this computer, and never after a redirect, as for every other LLM request.
 */
export async function checkLlm(
  { baseUrl, apiKey, inUse }: LlmProbeTarget,
  { timeoutMs = DIAGNOSTIC_TIMEOUT_MS, fetchImpl = fetch }: ProbeOptions = {},
): Promise<DiagnosticCheck> {
  if (!isSecureOrLoopbackUrl(baseUrl)) {
    return line(
      inUse ? 'fail' : 'warn',
      'The LLM URL does not use https, so the key was not sent.',
      'Use an https:// LLM URL in Conversation (http only for a server on this computer).',
    )
  }
  if (apiKey === undefined && !isLoopbackUrl(baseUrl)) {
    return inUse
      ? line(
          'fail',
          'The kiosk answers with its own LLM, but no LLM key is set.',
          'Set an LLM key in Conversation.',
        )
      : line(
          'warn',
          'Not checked: the LLM is not in use and no LLM key is set.',
          'Set an LLM key in Conversation to use our own LLM.',
        )
  }
  const timeout = AbortSignal.timeout(timeoutMs)
  const start = performance.now()
  try {
    const response = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}/models`, {
      method: 'GET',
      headers: {
        Accept: 'application/json',
        ...(apiKey !== undefined ? { Authorization: `Bearer ${apiKey}` } : {}),
      },
      redirect: 'error',
      signal: timeout,
    })
    const latencyMs = elapsedMs(start)
    await response.body?.cancel().catch(() => undefined)
    return lineForStatus(response.status, latencyMs)
  } catch (error) {
    const latencyMs = elapsedMs(start)
    const name = (error as Error).name
    if (timeout.aborted || name === 'TimeoutError' || name === 'AbortError') {
      return line('fail', `No answer within ${timeoutMs / 1000} s.`, CHECK_URL_FIX, latencyMs)
    }
    return line(
      'fail',
      'Cannot be reached (name not found, connection refused or redirected).',
      CHECK_URL_FIX,
      latencyMs,
    )
  }
}
