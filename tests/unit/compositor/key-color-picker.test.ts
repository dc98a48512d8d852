import { describe, expect, it } from 'vitest'
import { pickKeyColor } from '../../../src/renderer/src/compositor/key-color-picker'
import { parseHexColor, toHexColor } from '../../../src/renderer/src/compositor/color'

/** Border samples as RGBA bytes, from [colour, count] runs, with an optional deterministic noise amplitude. */
function samples(
  runs: Array<[[number, number, number], number]>,
  noise = 0,
): { data: Uint8Array; count: number } {
  const count = runs.reduce((sum, [, n]) => sum + n, 0)
  const data = new Uint8Array(count * 4)
  let i = 0
  let seed = 12345
  const jitter = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return Math.round(((seed / 2 ** 31) * 2 - 1) * noise)
  }
  for (const [[r, g, b], n] of runs) {
    for (let k = 0; k < n; k += 1, i += 1) {
      data.set([r + jitter(), g + jitter(), b + jitter(), 255], i * 4)
    }
  }
  return { data, count }
}

describe('pickKeyColor', () => {
  it('finds a uniform green border', () => {
    const { data, count } = samples([[[0, 177, 64], 400]])
    expect(pickKeyColor(data, count)).toEqual({ color: { r: 0, g: 177, b: 64 }, coverage: 1 })
  })

  it('ignores the avatar where it touches the border', () => {
    // The bottom edge cuts through a dark suit and a hand: a third of the border is not screen.
    const { data, count } = samples([
      [[20, 200, 40], 300],
      [[40, 48, 70], 100],
      [[224, 172, 140], 50],
    ])
    const pick = pickKeyColor(data, count)
    expect(pick?.color).toEqual({ r: 20, g: 200, b: 40 })
    expect(pick?.coverage).toBeCloseTo(300 / 450)
  })

  it('averages encoder noise in the screen colour', () => {
    const { data, count } = samples([[[30, 190, 60], 1000]], 6)
    const pick = pickKeyColor(data, count)
    expect(pick).not.toBeNull()
    expect(Math.abs((pick?.color.r ?? 0) - 30)).toBeLessThanOrEqual(2)
    expect(Math.abs((pick?.color.g ?? 0) - 190)).toBeLessThanOrEqual(2)
    expect(Math.abs((pick?.color.b ?? 0) - 60)).toBeLessThanOrEqual(2)
    expect(pick?.coverage).toBeGreaterThan(0.95)
  })

  it('works for a blue screen too', () => {
    const { data, count } = samples([
      [[10, 60, 200], 300],
      [[200, 160, 130], 100],
    ])
    expect(pickKeyColor(data, count)?.color).toEqual({ r: 10, g: 60, b: 200 })
  })

  it('returns null for a black frame (a stream that has not started)', () => {
    const { data, count } = samples([[[0, 0, 0], 400]])
    expect(pickKeyColor(data, count)).toBeNull()
  })

  it('returns null for a grey or white backdrop', () => {
    const { data, count } = samples([[[200, 200, 205], 400]], 3)
    expect(pickKeyColor(data, count)).toBeNull()
  })

  it('returns null when no colour covers half of the border', () => {
    const { data, count } = samples([
      [[0, 177, 64], 150],
      [[200, 30, 30], 150],
      [[30, 60, 200], 150],
    ])
    expect(pickKeyColor(data, count)).toBeNull()
  })

  it('returns null for no samples', () => {
    expect(pickKeyColor(new Uint8Array(0), 0)).toBeNull()
  })
})

describe('hex colours', () => {
  it('round-trips and expands the short form', () => {
    expect(parseHexColor('#00b140')).toEqual({ r: 0, g: 177, b: 64 })
    expect(parseHexColor('#0F8')).toEqual({ r: 0, g: 255, b: 136 })
    expect(toHexColor({ r: 0, g: 177, b: 64 })).toBe('#00b140')
    expect(toHexColor({ r: -3, g: 300, b: 7.6 })).toBe('#00ff08')
    expect(() => parseHexColor('green')).toThrow()
  })
})
