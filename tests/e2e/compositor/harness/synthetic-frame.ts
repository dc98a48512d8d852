/**
 * A synthetic avatar frame, the same on every run: vertical stripes so that each column is one known case.
 * Left to right: chroma screen (with encoder-like noise), a soft 10 px edge blending into a shirt, a band of
 * shirt with green spill on it, shirt, skin, hair, a 2 px anti-aliased edge, and screen again.
 */
export type Rgb3 = readonly [number, number, number]

export const FRAME_WIDTH = 320
export const FRAME_HEIGHT = 96

export const CHROMA_GREEN: Rgb3 = [0, 177, 64]
export const SHIRT: Rgb3 = [70, 80, 100]
export const SKIN: Rgb3 = [224, 172, 140]
export const HAIR: Rgb3 = [90, 60, 40]
/** How much screen colour the spill band reflects. */
export const SPILL = 0.3
export const SCREEN_NOISE = 4

export const REGIONS = {
  screenLeft: [0, 100],
  softEdge: [100, 110],
  spill: [110, 122],
  shirt: [122, 160],
  skin: [160, 200],
  hair: [200, 220],
  antialiasedEdge: [220, 222],
  screenRight: [222, 320],
} as const satisfies Record<string, readonly [number, number]>

const mix = (a: Rgb3, b: Rgb3, t: number): Rgb3 => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
]

const inRegion = (x: number, [from, to]: readonly [number, number]): boolean => x >= from && x < to

/** The noiseless colour of column x, and the share of figure in it (1 = all figure). */
export function sourceColumn(x: number, screen: Rgb3): { color: Rgb3; coverage: number } {
  if (inRegion(x, REGIONS.softEdge)) {
    const coverage = (x - REGIONS.softEdge[0] + 0.5) / 10
    return { color: mix(screen, SHIRT, coverage), coverage }
  }
  if (inRegion(x, REGIONS.spill)) return { color: mix(SHIRT, screen, SPILL), coverage: 1 }
  if (inRegion(x, REGIONS.shirt)) return { color: SHIRT, coverage: 1 }
  if (inRegion(x, REGIONS.skin)) return { color: SKIN, coverage: 1 }
  if (inRegion(x, REGIONS.hair)) return { color: HAIR, coverage: 1 }
  if (inRegion(x, REGIONS.antialiasedEdge)) {
    const coverage = x === REGIONS.antialiasedEdge[0] ? 2 / 3 : 1 / 3
    return { color: mix(screen, HAIR, coverage), coverage }
  }
  return { color: screen, coverage: 0 }
}

/** Fills an RGBA buffer (top-down rows) with the frame; the screen gets deterministic noise. */
export function paintFrame(rgba: Uint8ClampedArray, screen: Rgb3, noise = SCREEN_NOISE, seed = 1): void {
  let state = seed >>> 0
  const jitter = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return Math.round((state / 2 ** 32) * 2 * noise - noise)
  }
  for (let x = 0; x < FRAME_WIDTH; x += 1) {
    const { color, coverage } = sourceColumn(x, screen)
    for (let y = 0; y < FRAME_HEIGHT; y += 1) {
      const i = (y * FRAME_WIDTH + x) * 4
      const n = coverage === 0 ? 1 : 0
      rgba[i] = color[0] + n * jitter()
      rgba[i + 1] = color[1] + n * jitter()
      rgba[i + 2] = color[2] + n * jitter()
      rgba[i + 3] = 255
    }
  }
}
