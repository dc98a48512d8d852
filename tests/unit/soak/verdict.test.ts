import { describe, expect, it } from 'vitest'
import { baseAndEnd, baselineAt, growthPercent, verdict, type Sample } from '../../../scripts/soak/verdict'

const MINUTE = 60_000

function steady(atMs: number, overrides: Partial<Sample> = {}): Sample {
  return {
    atMs,
    sessionsOpened: 1,
    sessionsStopped: 0,
    leakedNow: 0,
    hostRssMb: 100,
    sandboxRssMb: 80,
    sandboxNodeRssMb: 60,
    sandboxChildren: 1,
    rendererHeapMb: 20,
    hostFds: 40,
    sandboxFds: 30,
    peerConnections: 1,
    audioContexts: 2,
    mediaStreamTracks: 3,
    ...overrides,
  }
}

/** One sample every 30 s for `minutes`, shaped by `at`. */
function run(minutes: number, at: (atMs: number) => Partial<Sample> = () => ({})): Sample[] {
  return Array.from({ length: minutes * 2 }, (_, i) => steady((i + 1) * 30_000, at((i + 1) * 30_000)))
}

describe('baselineAt', () => {
  it('measures from 10 minutes on, or from the half of a run under 20 minutes', () => {
    expect(baselineAt(60 * MINUTE).atMs).toBe(10 * MINUTE)
    expect(baselineAt(20 * MINUTE).atMs).toBe(10 * MINUTE)
    expect(baselineAt(6 * MINUTE)).toEqual({ atMs: 3 * MINUTE, rule: expect.stringContaining('half') })
  })
})

describe('baseAndEnd', () => {
  it('takes medians of separate windows after the baseline and skips missing values', () => {
    const atMs = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    const values = [999, 999, 10, 50, 12, undefined, 20, 22, 21]
    // After the baseline (3): 10, 50, 12, 20, 22, 21 → windows of 3.
    expect(baseAndEnd(values, atMs, 3)).toEqual({ base: 12, end: 21 })
    expect(baseAndEnd([5, 6], [1, 2], 10)).toEqual({ base: undefined, end: undefined })
    expect(baseAndEnd([5], [1], 0)).toEqual({ base: 5, end: 5 })
  })
})

describe('growthPercent', () => {
  it('is relative to the base', () => {
    expect(growthPercent(100, 110)).toBeCloseTo(10)
    expect(growthPercent(100, 90)).toBeCloseTo(-10)
    expect(growthPercent(0, 0)).toBe(0)
    expect(growthPercent(0, 1)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('verdict', () => {
  it('passes a flat run with no leaks', () => {
    const result = verdict(run(60), 60 * MINUTE, { duringRun: 0, atEnd: 0 })
    expect(result.metrics.every((metric) => metric.pass)).toBe(true)
    expect(result.pass).toBe(true)
  })

  it('ignores growth in the first 10 minutes of an hour', () => {
    const warmUp = run(60, (atMs) => ({ hostRssMb: atMs < 10 * MINUTE ? 50 + atMs / 20_000 : 200 }))
    expect(verdict(warmUp, 60 * MINUTE, { duringRun: 0, atEnd: 0 }).pass).toBe(true)
  })

  it('fails on memory that grows 10% or more after the baseline, naming the metric', () => {
    const growing = run(60, (atMs) => ({ sandboxNodeRssMb: 60 + (atMs / MINUTE) * 0.5 }))
    const result = verdict(growing, 60 * MINUTE, { duringRun: 0, atEnd: 0 })
    expect(result.pass).toBe(false)
    const failed = result.metrics.filter((metric) => !metric.pass).map((metric) => metric.metric)
    expect(failed).toEqual(['sandboxNodeRssMb'])
  })

  it('reports the sandbox with its children without judging it, and judges a growing number of children', () => {
    const swinging = run(60, (atMs) => ({ sandboxRssMb: (atMs / 30_000) % 2 === 0 ? 80 : 180 }))
    const reported = verdict(swinging, 60 * MINUTE, { duringRun: 0, atEnd: 0 })
    expect(reported.metrics.find((metric) => metric.metric === 'sandboxRssMb')).toMatchObject({
      kind: 'reported',
      pass: true,
    })
    expect(reported.pass).toBe(true)
    const spawning = run(60, (atMs) => ({ sandboxChildren: Math.floor(atMs / (10 * MINUTE)) }))
    expect(verdict(spawning, 60 * MINUTE, { duringRun: 0, atEnd: 0 }).pass).toBe(false)
  })

  it('fails on counts that grow past their tolerance, and allows growth within it', () => {
    const within = run(30, (atMs) => ({ hostFds: atMs > 20 * MINUTE ? 45 : 40 }))
    expect(verdict(within, 30 * MINUTE, { duringRun: 0, atEnd: 0 }).pass).toBe(true)
    const leaking = run(30, (atMs) => ({ peerConnections: Math.floor(atMs / (5 * MINUTE)) }))
    const result = verdict(leaking, 30 * MINUTE, { duringRun: 0, atEnd: 0 })
    expect(result.metrics.find((metric) => metric.metric === 'peerConnections')?.pass).toBe(false)
    expect(result.pass).toBe(false)
  })

  it('fails on any leaked session, during the run or at the end', () => {
    expect(verdict(run(20), 20 * MINUTE, { duringRun: 1, atEnd: 0 }).pass).toBe(false)
    expect(verdict(run(20), 20 * MINUTE, { duringRun: 0, atEnd: 1 }).pass).toBe(false)
  })

  it('fails a metric never measured after the baseline rather than passing it', () => {
    const noHeap = run(20, () => ({ rendererHeapMb: undefined }))
    const result = verdict(noHeap, 20 * MINUTE, { duringRun: 0, atEnd: 0 })
    expect(result.metrics.find((metric) => metric.metric === 'rendererHeapMb')?.pass).toBe(false)
  })
})
