import { describe, expect, it } from 'vitest'
import { parseCpuTicks, treeCpuTicks } from '../../../scripts/soak/proc'

/** The /proc reader `npm run bench -- presence` sums over every browser process. */
describe('CPU ticks from /proc', () => {
  it('adds user and system time, even when the command name has spaces and parentheses', () => {
    const stat =
      '4242 (Chrome (renderer) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 12 0 100 1000 50'
    expect(parseCpuTicks(stat)).toBe(325)
  })

  it('refuses a line it cannot read', () => {
    expect(parseCpuTicks('garbage')).toBeUndefined()
  })

  it('counts this process, and never goes backwards', () => {
    const before = treeCpuTicks(process.pid)
    let spin = 0
    const until = performance.now() + 120
    while (performance.now() < until) spin += 1
    expect(spin).toBeGreaterThan(0)
    const after = treeCpuTicks(process.pid)
    expect(before).toBeGreaterThan(0)
    expect(after).toBeGreaterThanOrEqual(before)
  })
})
