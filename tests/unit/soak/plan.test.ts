import { describe, expect, it } from 'vitest'
import { FAULT_KINDS, planEpisode, seededRandom } from '../../../scripts/soak/plan'

describe('seededRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const take = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from({ length: 5 }, () => random())
    }
    expect(take(42)).toEqual(take(42))
    expect(take(42)).not.toEqual(take(43))
    for (const value of take(7)) {
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThan(1)
    }
  })
})

describe('planEpisode', () => {
  it('plans the same visitors and faults for the same seed', () => {
    const plans = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from({ length: 20 }, () => planEpisode(random, { allowRestart: true }))
    }
    expect(plans(1234)).toEqual(plans(1234))
    expect(plans(1234)).not.toEqual(plans(4321))
  })

  it('keeps every plan within bounds and, over many episodes, uses every fault and way of leaving', () => {
    const random = seededRandom(99)
    const plans = Array.from({ length: 2000 }, () => planEpisode(random, { allowRestart: true }))
    for (const plan of plans) {
      expect(plan.questions).toBeGreaterThanOrEqual(1)
      expect(plan.questions).toBeLessThanOrEqual(3)
      expect(plan.silenceMs).toBeGreaterThanOrEqual(5_000)
      expect(plan.silenceMs).toBeLessThan(25_000)
    }
    expect(new Set(plans.map((plan) => plan.fault))).toEqual(new Set([...FAULT_KINDS, undefined]))
    expect(new Set(plans.map((plan) => plan.leave))).toEqual(new Set(['reload', 'close', 'stay']))
    const restarts = plans.filter((plan) => plan.fault === 'sandbox-restart').length
    const leaves = plans.filter((plan) => plan.fault === 'livekit-leave').length
    expect(restarts).toBeLessThan(leaves)
    const faulted = plans.filter((plan) => plan.fault !== undefined).length / plans.length
    expect(faulted).toBeGreaterThan(0.3)
    expect(faulted).toBeLessThan(0.5)
  })

  it('never restarts the sandbox when restarts are not allowed', () => {
    const random = seededRandom(5)
    const plans = Array.from({ length: 2000 }, () => planEpisode(random, { allowRestart: false }))
    expect(plans.some((plan) => plan.fault === 'sandbox-restart')).toBe(false)
    expect(plans.some((plan) => plan.fault !== undefined)).toBe(true)
  })
})
