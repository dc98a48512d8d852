import { median } from '../bench/stats'

/** One line of the soak's running record; undefined where the page was closed at that moment. */
export interface Sample {
  atMs: number
  sessionsOpened: number
  sessionsStopped: number
  leakedNow: number
  hostRssMb: number
  /** The sandbox with its ffmpeg and espeak-ng children, which come and go with sessions and speech. */
  sandboxRssMb: number
  /** The sandbox's Node process alone: where a leak of its own would show. */
  sandboxNodeRssMb: number
  sandboxChildren: number
  rendererHeapMb: number | undefined
  hostFds: number
  sandboxFds: number
  peerConnections: number | undefined
  audioContexts: number | undefined
  mediaStreamTracks: number | undefined
}

export const MEMORY_METRICS = ['hostRssMb', 'sandboxNodeRssMb', 'rendererHeapMb'] as const
/**
 * Reported but not judged: the sandbox with its children swings by an ffmpeg's worth (~100 MB) with whether a
 * session is open at that instant; its own process and its child count carry the verdict instead.
 */
export const REPORTED_METRICS = ['sandboxRssMb'] as const
/** Counts that must not grow, with the slack a sample taken mid-reconnect needs. */
export const COUNT_TOLERANCE = {
  hostFds: 10,
  sandboxFds: 10,
  sandboxChildren: 2,
  peerConnections: 1,
  audioContexts: 1,
  mediaStreamTracks: 2,
} as const
export const MEMORY_GROWTH_LIMIT_PERCENT = 10
const TEN_MINUTES_MS = 10 * 60_000
const TWENTY_MINUTES_MS = 20 * 60_000

type Metric =
  (typeof MEMORY_METRICS)[number] | (typeof REPORTED_METRICS)[number] | keyof typeof COUNT_TOLERANCE

export interface MetricVerdict {
  metric: Metric
  kind: 'memory' | 'count' | 'reported'
  base: number | undefined
  end: number | undefined
  growthPercent: number | undefined
  limit: string
  pass: boolean
}

export interface Verdict {
  baselineAtMs: number
  /** Why the baseline is where it is, in words for the report. */
  baselineRule: string
  metrics: MetricVerdict[]
  leakedDuringRun: number
  leakedAtEnd: number
  pass: boolean
}

/** Growth is measured from 10 min on; a run under 20 min has too little after that, so from its half. */
export function baselineAt(durationMs: number): { atMs: number; rule: string } {
  if (durationMs >= TWENTY_MINUTES_MS) return { atMs: TEN_MINUTES_MS, rule: 'after the first 10 minutes' }
  return { atMs: durationMs / 2, rule: 'after the first half (run shorter than 20 minutes)' }
}

/**
 * The value at the baseline and at the end, each the median of up to three samples so one sample taken in a
 * garbage-collection peak or mid-reconnect does not decide; the two windows never share a sample.
 */
export function baseAndEnd(
  values: readonly (number | undefined)[],
  atMs: readonly number[],
  baselineAtMs: number,
): { base: number | undefined; end: number | undefined } {
  const after = values.filter(
    (value, index): value is number =>
      value !== undefined && Number.isFinite(value) && atMs[index]! >= baselineAtMs,
  )
  if (after.length === 0) return { base: undefined, end: undefined }
  const window = Math.max(1, Math.min(3, Math.floor(after.length / 2)))
  return { base: median(after.slice(0, window)), end: median(after.slice(-window)) }
}

export function growthPercent(base: number, end: number): number {
  if (base === 0) return end === 0 ? 0 : Number.POSITIVE_INFINITY
  return ((end - base) / base) * 100
}

export function verdict(
  samples: readonly Sample[],
  durationMs: number,
  leaks: { duringRun: number; atEnd: number },
): Verdict {
  const baseline = baselineAt(durationMs)
  const atMs = samples.map((sample) => sample.atMs)
  const growthOf = (metric: (typeof MEMORY_METRICS)[number] | (typeof REPORTED_METRICS)[number]) => {
    const { base, end } = baseAndEnd(
      samples.map((sample) => sample[metric]),
      atMs,
      baseline.atMs,
    )
    const growth = base === undefined || end === undefined ? undefined : growthPercent(base, end)
    return { base, end, growthPercent: growth }
  }
  const metrics: MetricVerdict[] = []
  for (const metric of MEMORY_METRICS) {
    const { base, end, growthPercent: growth } = growthOf(metric)
    metrics.push({
      metric,
      kind: 'memory',
      base,
      end,
      growthPercent: growth,
      limit: `< ${MEMORY_GROWTH_LIMIT_PERCENT}% growth`,
      // No figure is no proof: a metric never measured fails.
      pass: growth !== undefined && growth < MEMORY_GROWTH_LIMIT_PERCENT,
    })
  }
  for (const metric of REPORTED_METRICS) {
    metrics.push({
      metric,
      kind: 'reported',
      ...growthOf(metric),
      limit: 'not judged',
      pass: true,
    })
  }
  for (const [metric, tolerance] of Object.entries(COUNT_TOLERANCE) as [
    keyof typeof COUNT_TOLERANCE,
    number,
  ][]) {
    const { base, end } = baseAndEnd(
      samples.map((sample) => sample[metric]),
      atMs,
      baseline.atMs,
    )
    metrics.push({
      metric,
      kind: 'count',
      base,
      end,
      growthPercent: base === undefined || end === undefined ? undefined : growthPercent(base, end),
      limit: `end ≤ base + ${tolerance}`,
      pass: base !== undefined && end !== undefined && end <= base + tolerance,
    })
  }
  const pass = leaks.duringRun === 0 && leaks.atEnd === 0 && metrics.every((metric) => metric.pass)
  return {
    baselineAtMs: baseline.atMs,
    baselineRule: baseline.rule,
    metrics,
    leakedDuringRun: leaks.duringRun,
    leakedAtEnd: leaks.atEnd,
    pass,
  }
}
