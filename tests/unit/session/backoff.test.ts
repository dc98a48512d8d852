import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF } from '../../../src/renderer/src/session/backoff'

describe('backoffDelay', () => {
  const middle = () => 0.5

  it('retries immediately the first time', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.99)).toBe(0)
  })

  it('doubles from one second without jitter in the middle of the range', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, DEFAULT_BACKOFF, middle))).toEqual([
      1000, 2000, 4000, 8000, 16000,
    ])
  })

  it('never exceeds the 30 s cap, whatever the jitter', () => {
    for (const random of [0, 0.5, 0.999]) {
      for (let retry = 1; retry < 40; retry += 1) {
        expect(backoffDelay(retry, DEFAULT_BACKOFF, () => random)).toBeLessThanOrEqual(30_000)
      }
    }
    expect(backoffDelay(20, DEFAULT_BACKOFF, () => 0)).toBe(22_500)
  })

  it('spreads delays by ±25 % so kiosks do not retry in lockstep', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(3000)
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(5000)
    const seen = new Set(Array.from({ length: 20 }, (_, i) => backoffDelay(3, DEFAULT_BACKOFF, () => i / 20)))
    expect(seen.size).toBeGreaterThan(10)
  })
})
