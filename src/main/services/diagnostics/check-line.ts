import type { DiagnosticCheck } from '../../../shared/diagnostics'

/** Every reachability check gives up after this long: the operator is waiting in front of the page. */
export const DIAGNOSTIC_TIMEOUT_MS = 5000

export function passLine(id: string, label: string, detail: string, latencyMs?: number): DiagnosticCheck {
  return { id, label, status: 'pass', detail, fix: '', ...(latencyMs !== undefined ? { latencyMs } : {}) }
}

export function problemLine(
  status: 'warn' | 'fail',
  { id, label, detail, fix, latencyMs }: Omit<DiagnosticCheck, 'status'>,
): DiagnosticCheck {
  return { id, label, status, detail, fix, ...(latencyMs !== undefined ? { latencyMs } : {}) }
}

/** Whole milliseconds since `start` (a `performance.now()` reading). */
export function elapsedMs(start: number): number {
  return Math.max(0, Math.round(performance.now() - start))
}
