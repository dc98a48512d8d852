export interface BackoffOptions {
  /** Delay before the second retry; the first retry after a drop is immediate. */
  baseMs: number
  factor: number
  capMs: number
  /** ± share of the delay that is randomised, so a fleet of kiosks does not retry in lockstep. */
  jitter: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, factor: 2, capMs: 30_000, jitter: 0.25 }

/**
 * Delay before retry number `retry` (0 = the first retry). Exponential with jitter, never above the cap.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (retry <= 0) return 0
  const exponential = Math.min(options.capMs, options.baseMs * options.factor ** (retry - 1))
  const spread = exponential * options.jitter
  const jittered = exponential - spread + 2 * spread * random()
  return Math.round(Math.min(options.capMs, Math.max(0, jittered)))
}
