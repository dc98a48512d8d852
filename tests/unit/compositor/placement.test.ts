import { describe, expect, it } from 'vitest'
import { computePlacement, orientationOf } from '../../../src/renderer/src/compositor/placement'
import { AvatarPlacementSchema, type AvatarPlacement } from '../../../src/shared/settings/chroma'

const frame = { width: 1280, height: 720 }
const placement = (input: unknown): AvatarPlacement => AvatarPlacementSchema.parse(input)

describe('orientationOf', () => {
  it('treats square and wider screens as landscape', () => {
    expect(orientationOf({ width: 1920, height: 1080 })).toBe('landscape')
    expect(orientationOf({ width: 1000, height: 1000 })).toBe('landscape')
    expect(orientationOf({ width: 1080, height: 1920 })).toBe('portrait')
  })
})

describe('computePlacement', () => {
  it('fills a same-aspect landscape screen exactly', () => {
    expect(computePlacement(frame, { width: 1920, height: 1080 }, placement({}))).toEqual({
      dest: { x: 0, y: 0, width: 1920, height: 1080 },
      source: { left: 0, top: 0, right: 1, bottom: 1 },
    })
  })

  it('contains on a wider screen, centred horizontally', () => {
    const { dest } = computePlacement(frame, { width: 2560, height: 1080 }, placement({}))
    expect(dest).toEqual({ x: (2560 - 1920) / 2, y: 0, width: 1920, height: 1080 })
  })

  it('crops the sides on a portrait screen and stands the avatar on the bottom edge', () => {
    const { dest, source } = computePlacement(frame, { width: 1080, height: 1920 }, placement({}))
    // 60% of 1280 = 768 wide by 720 high, contained in 1080 wide: scale 1.40625.
    expect(source).toEqual({ left: 0.2, top: 0, right: 0.8, bottom: 1 })
    expect(dest.width).toBeCloseTo(1080)
    expect(dest.height).toBeCloseTo(720 * 1.40625)
    expect(dest.x).toBeCloseTo(0)
    expect(dest.y + dest.height).toBeCloseTo(1920)
  })

  it('covers a portrait screen, keeping the horizontal centre in view', () => {
    const { dest } = computePlacement(
      frame,
      { width: 1080, height: 1920 },
      placement({ portrait: { fit: 'cover', crop: {} } }),
    )
    expect(dest.height).toBeCloseTo(1920)
    expect(dest.width).toBeCloseTo(1280 * (1920 / 720))
    expect(dest.x + dest.width / 2).toBeCloseTo(540)
    expect(dest.y).toBeCloseTo(0)
  })

  it('aligns a cover overflow like object-position: x = 0 keeps the left edge in view', () => {
    const { dest } = computePlacement(
      frame,
      { width: 1080, height: 1920 },
      placement({ portrait: { fit: 'cover', x: 0 } }),
    )
    expect(dest.x).toBeCloseTo(0)
    const right = computePlacement(
      frame,
      { width: 1080, height: 1920 },
      placement({ portrait: { fit: 'cover', x: 1 } }),
    )
    expect(right.dest.x + right.dest.width).toBeCloseTo(1080)
  })

  it('scales the fitted size and positions it in the free space', () => {
    const { dest } = computePlacement(
      frame,
      { width: 1920, height: 1080 },
      placement({ landscape: { scale: 0.5, x: 1, y: 0 } }),
    )
    expect(dest).toEqual({ x: 960, y: 0, width: 960, height: 540 })
  })

  it('crops top and bottom before fitting', () => {
    const { dest, source } = computePlacement(
      frame,
      { width: 1920, height: 1080 },
      placement({ landscape: { crop: { top: 0.1, bottom: 0.1 } } }),
    )
    expect(source.top).toBeCloseTo(0.1)
    expect(source.bottom).toBeCloseTo(0.9)
    // 1280 x 576 contained in 1920 x 1080: width-limited, scale 1.5.
    expect(dest.width).toBeCloseTo(1920)
    expect(dest.height).toBeCloseTo(864)
    expect(dest.y).toBeCloseTo(1080 - 864)
  })

  it('yields an empty rectangle for an empty frame or view', () => {
    expect(
      computePlacement({ width: 0, height: 0 }, { width: 100, height: 100 }, placement({})).dest.width,
    ).toBe(0)
    expect(computePlacement(frame, { width: 0, height: 100 }, placement({})).dest.width).toBe(0)
  })
})
