import { describe, expect, it } from 'vitest'
import {
  createCpuKeyer,
  readFrameBorder,
  type I420Frame,
  type RgbaFrame,
} from '../../../src/renderer/src/compositor/cpu-key'
import { isSoftwareRenderer } from '../../../src/renderer/src/compositor/renderer'
import {
  CHROMA_GREEN,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  HAIR,
  REGIONS,
  SHIRT,
  SKIN,
  paintFrame,
  sourceColumn,
} from '../../e2e/compositor/harness/synthetic-frame'

const KEY = { r: CHROMA_GREEN[0], g: CHROMA_GREEN[1], b: CHROMA_GREEN[2] }
const DEFAULTS = { similarity: 0.25, smoothness: 0.35, spill: 1, erosion: 0 }

function rgbaFrame(shift = 0): RgbaFrame {
  const painted = new Uint8ClampedArray(FRAME_WIDTH * FRAME_HEIGHT * 4)
  paintFrame(painted, CHROMA_GREEN)
  // Moves the whole picture right by `shift` columns (screen comes in from the left).
  const data = new Uint8ClampedArray(painted.length)
  for (let y = 0; y < FRAME_HEIGHT; y += 1) {
    for (let x = 0; x < FRAME_WIDTH; x += 1) {
      const from = (y * FRAME_WIDTH + Math.max(0, x - shift)) * 4
      data.set(painted.subarray(from, from + 4), (y * FRAME_WIDTH + x) * 4)
    }
  }
  return { format: 'RGBA', width: FRAME_WIDTH, height: FRAME_HEIGHT, data, stride: FRAME_WIDTH * 4 }
}

/** The same frame as a BT.601 limited-range I420 frame (what a WebRTC decoder hands over). */
function i420Frame(): I420Frame {
  const rgba = rgbaFrame().data
  const w = FRAME_WIDTH
  const h = FRAME_HEIGHT
  const y = new Uint8Array(w * h)
  const u = new Uint8Array((w / 2) * (h / 2))
  const v = new Uint8Array((w / 2) * (h / 2))
  const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b
  for (let row = 0; row < h; row += 1) {
    for (let x = 0; x < w; x += 1) {
      const i = (row * w + x) * 4
      y[row * w + x] = Math.round(16 + (219 / 255) * luma(rgba[i] ?? 0, rgba[i + 1] ?? 0, rgba[i + 2] ?? 0))
    }
  }
  for (let cy = 0; cy < h / 2; cy += 1) {
    for (let cx = 0; cx < w / 2; cx += 1) {
      let r = 0
      let g = 0
      let b = 0
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = ((2 * cy + dy) * w + 2 * cx + dx) * 4
        r += (rgba[i] ?? 0) / 4
        g += (rgba[i + 1] ?? 0) / 4
        b += (rgba[i + 2] ?? 0) / 4
      }
      const l = luma(r, g, b)
      u[cy * (w / 2) + cx] = Math.round(128 + (224 / 255) * ((b - l) / 1.772))
      v[cy * (w / 2) + cx] = Math.round(128 + (224 / 255) * ((r - l) / 1.402))
    }
  }
  return {
    format: 'I420',
    width: w,
    height: h,
    y,
    u,
    v,
    yStride: w,
    uvStride: w / 2,
    matrix: 'bt601',
    fullRange: false,
  }
}

function keyed(frame: RgbaFrame | I420Frame, settings = DEFAULTS) {
  const keyer = createCpuKeyer()
  keyer.setKey(KEY, settings)
  const out = new Uint8ClampedArray(frame.width * frame.height * 4)
  const box = keyer.key(frame, out)
  const at = (x: number, y = 48) =>
    Array.from(out.subarray((y * frame.width + x) * 4, (y * frame.width + x) * 4 + 4))
  return { box, at, out, keyer }
}

const columns = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)
const near = (actual: number[], expected: readonly number[], tolerance: number) =>
  expected.every((value, i) => Math.abs((actual[i] ?? Infinity) - value) <= tolerance)
const greenExcess = ([r = 0, g = 0, b = 0]: number[]) => g - Math.max(r, b)

describe('the CPU keyer', () => {
  for (const [name, frame, tolerance] of [
    ['RGBA', rgbaFrame(), 0],
    ['I420', i420Frame(), 4],
  ] as const) {
    it(`keys an ${name} frame: screen transparent, figure kept, soft edge, no spill`, () => {
      const { at } = keyed(frame)
      for (const x of [...columns(0, 98), ...columns(226, 320)]) expect(at(x)[3], `screen ${x}`).toBe(0)
      for (const [region, color] of [
        [REGIONS.shirt, SHIRT],
        [REGIONS.skin, SKIN],
        [REGIONS.hair, HAIR],
      ] as const) {
        for (const x of columns(region[0] + 3, region[1] - 3)) {
          expect(at(x)[3], `alpha ${x}`).toBe(255)
          expect(near(at(x), color, tolerance), `colour ${x}: ${at(x)} vs ${color}`).toBe(true)
        }
      }
      const edge = columns(...REGIONS.softEdge).map((x) => at(x)[3] ?? -1)
      for (let i = 1; i < edge.length; i += 1) expect(edge[i]).toBeGreaterThanOrEqual(edge[i - 1] ?? 0)
      expect(edge.filter((alpha) => alpha > 20 && alpha < 235).length, `edge ${edge}`).toBeGreaterThanOrEqual(
        3,
      )
      for (const x of columns(REGIONS.spill[0] + 2, REGIONS.spill[1] - 2)) {
        expect(greenExcess(sourceColumn(x, CHROMA_GREEN).color.slice())).toBeGreaterThanOrEqual(18)
        expect(greenExcess(at(x)), `spill at ${x}: ${at(x)}`).toBeLessThanOrEqual(2 + tolerance)
      }
    })
  }

  it('keeps the cast without spill suppression (the spill check can fail)', () => {
    const { at } = keyed(rgbaFrame(), { ...DEFAULTS, spill: 0 })
    expect(greenExcess(at(115))).toBeGreaterThanOrEqual(17)
  })

  it('writes only the bounding box of the avatar, and clears what the previous frame left', () => {
    const { box, keyer, out } = keyed(rgbaFrame())
    // The figure spans columns 100 to 222 (its first edge pixels are mostly screen, keyed out); the box hugs
    // the visible part within a few pixels.
    expect(box.left).toBeGreaterThanOrEqual(94)
    expect(box.left).toBeLessThanOrEqual(104)
    expect(box.right).toBeGreaterThanOrEqual(222)
    expect(box.right).toBeLessThanOrEqual(228)
    const moved = keyer.key(rgbaFrame(40), out)
    // The union of both boxes was written: the old left edge is transparent again, the new one is drawn.
    expect(moved.left).toBe(box.left)
    expect(moved.right).toBeGreaterThanOrEqual(262)
    const alphaAt = (x: number) => out[(48 * FRAME_WIDTH + x) * 4 + 3]
    expect(alphaAt(120)).toBe(0)
    expect(alphaAt(180 + 40)).toBe(255)
  })

  it('erosion pulls the matte in from both edges', () => {
    const firstOpaque = (at: (x: number) => number[]) => columns(90, 140).find((x) => at(x)[3] === 255) ?? -1
    const plain = keyed(rgbaFrame())
    const eroded = keyed(rgbaFrame(), { ...DEFAULTS, erosion: 4 })
    expect(firstOpaque(eroded.at) - firstOpaque(plain.at)).toBeGreaterThanOrEqual(2)
    expect(near(eroded.at(180), [...SKIN, 255], 0)).toBe(true)
  })

  it('reads the border of an I420 frame as RGB for the automatic key colour', () => {
    const frame = i420Frame()
    const out = new Uint8Array(2 * (FRAME_WIDTH + FRAME_HEIGHT) * 4)
    expect(readFrameBorder(frame, out, 2)).toBe(2 * (FRAME_WIDTH + FRAME_HEIGHT))
    // The left column is screen: close to the chroma green it was made from.
    const i = (2 * FRAME_WIDTH + 10) * 4
    expect(near(Array.from(out.subarray(i, i + 3)), CHROMA_GREEN, 8), `${out.subarray(i, i + 3)}`).toBe(true)
  })
})

describe('software WebGL detection', () => {
  it('knows SwiftShader, llvmpipe and WARP, and leaves real GPUs alone', () => {
    expect(
      isSoftwareRenderer(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe(true)
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true)
    expect(
      isSoftwareRenderer('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)'),
    ).toBe(true)
    expect(isSoftwareRenderer('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)')).toBe(
      false,
    )
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)')).toBe(false)
    expect(isSoftwareRenderer('')).toBe(false)
  })
})
