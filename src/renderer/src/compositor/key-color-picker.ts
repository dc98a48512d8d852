import { chromaBlue, chromaRed, type Rgb } from './color'

export interface KeyColorPick {
  color: Rgb
  /** Share of all samples that belong to the picked colour. */
  coverage: number
}

// Chroma (Cb, Cr) spans -0.5..0.5; 32 bins per axis make each bin ~0.03 wide, and the 3x3 window around the
// best bin tolerates the noise a video encoder leaves in a flat green.
const BINS = 32
const MIN_SATURATION = 0.08
const MIN_COVERAGE = 0.5

const histogram = new Uint32Array(BINS * BINS)

function binOf(chroma: number): number {
  return Math.min(BINS - 1, Math.max(0, Math.floor((chroma + 0.5) * BINS)))
}

/**
 * Finds the chroma-screen colour among border samples (RGBA bytes): the most common saturated colour, as long
 * as it covers at least half of the border. The avatar's torso usually touches the bottom edge, so a plain
 * average would drift towards skin and suit; a border without a dominant saturated colour yields null and the
 * configured key colour stays in use.
 */
export function pickKeyColor(rgba: ArrayLike<number>, pixelCount: number): KeyColorPick | null {
  if (pixelCount <= 0) return null
  histogram.fill(0)
  for (let i = 0; i < pixelCount; i += 1) {
    const bin = binIndex(rgba, i)
    if (bin >= 0) histogram[bin] = (histogram[bin] ?? 0) + 1
  }

  let bestCount = 0
  let bestX = 0
  let bestY = 0
  for (let y = 0; y < BINS; y += 1) {
    for (let x = 0; x < BINS; x += 1) {
      const count = windowCount(x, y)
      if (count > bestCount) {
        bestCount = count
        bestX = x
        bestY = y
      }
    }
  }
  if (bestCount / pixelCount < MIN_COVERAGE) return null

  let r = 0
  let g = 0
  let b = 0
  let members = 0
  for (let i = 0; i < pixelCount; i += 1) {
    const bin = binIndex(rgba, i)
    if (bin < 0 || Math.abs((bin % BINS) - bestX) > 1 || Math.abs(Math.floor(bin / BINS) - bestY) > 1)
      continue
    r += rgba[i * 4] ?? 0
    g += rgba[i * 4 + 1] ?? 0
    b += rgba[i * 4 + 2] ?? 0
    members += 1
  }
  return {
    color: { r: Math.round(r / members), g: Math.round(g / members), b: Math.round(b / members) },
    coverage: members / pixelCount,
  }
}

/** The histogram bin of sample i, or -1 for a near-grey sample that cannot be a chroma screen. */
function binIndex(rgba: ArrayLike<number>, i: number): number {
  const r = rgba[i * 4] ?? 0
  const g = rgba[i * 4 + 1] ?? 0
  const b = rgba[i * 4 + 2] ?? 0
  const cb = chromaBlue(r, g, b)
  const cr = chromaRed(r, g, b)
  if (cb * cb + cr * cr < MIN_SATURATION * MIN_SATURATION) return -1
  return binOf(cr) * BINS + binOf(cb)
}

function windowCount(x: number, y: number): number {
  let count = 0
  for (let dy = -1; dy <= 1; dy += 1) {
    for (let dx = -1; dx <= 1; dx += 1) {
      const nx = x + dx
      const ny = y + dy
      if (nx >= 0 && nx < BINS && ny >= 0 && ny < BINS) count += histogram[ny * BINS + nx] ?? 0
    }
  }
  return count
}
