import type { Rgb } from './color'
import type { KeySettings } from './keyer'

/**
 * The chroma keyer without WebGL, for machines where WebGL itself runs on the CPU (SwiftShader, llvmpipe):
 * there every fragment of the shader is emulated, and keying a 720p frame costs several times the old demo's
 * per-pixel loop. The same key as the shader (distance to the key colour in CbCr relative to its saturation,
 * smoothed, a soft ramp, the classic despill), arranged for a CPU:
 *
 * - the matte is computed on the chroma grid (one sample per 2x2 pixels), which is all the chroma a 4:2:0
 *   video carries anyway, and for I420 frames the distance comes from a 256x256 table indexed by (U, V);
 * - pixels are only converted and despilled inside the bounding box of the visible matte: the screen around
 *   the avatar costs one table look-up per four pixels;
 * - output is straight-alpha RGBA for putImageData, which premultiplies natively.
 */

export type YuvMatrix = 'bt709' | 'bt601'

/** A decoded 4:2:0 frame as VideoFrame.copyTo lays it out. */
export interface I420Frame {
  format: 'I420'
  width: number
  height: number
  y: Uint8Array
  u: Uint8Array
  v: Uint8Array
  yStride: number
  uvStride: number
  matrix: YuvMatrix
  fullRange: boolean
}

export interface RgbaFrame {
  format: 'RGBA'
  width: number
  height: number
  data: Uint8Array | Uint8ClampedArray
  /** Bytes per row. */
  stride: number
}

export type CpuFrame = I420Frame | RgbaFrame

/** Pixel rectangle in frame pixels; right and bottom are exclusive, and an empty box has right <= left. */
export interface PixelBox {
  left: number
  top: number
  right: number
  bottom: number
}

// Luma weights of each matrix: Cb = (B - Y) / (2 (1 - kb)), Cr = (R - Y) / (2 (1 - kr)).
const LUMA = { bt709: { kr: 0.2126, kb: 0.0722 }, bt601: { kr: 0.299, kb: 0.114 } } as const
// As in the shader (keyer.ts): a grey key colour gets a little saturation instead of a division by zero.
const MIN_KEY_SATURATION = 0.05
const MIN_SMOOTHNESS = 0.001
const NO_BYTES = new Uint8Array(0)

function chromaOf(matrix: YuvMatrix, r: number, g: number, b: number): { cb: number; cr: number } {
  const { kr, kb } = LUMA[matrix]
  const y = kr * r + (1 - kr - kb) * g + kb * b
  return { cb: (b - y) / (2 * (1 - kb)) / 255, cr: (r - y) / (2 * (1 - kr)) / 255 }
}

export interface CpuKeyer {
  setKey(color: Rgb, settings: KeySettings): void
  /**
   * Keys `frame` into `out` (straight RGBA, frame-sized rows). Only the returned box and the box of the
   * previous call are written: everything else in `out` must already be transparent, as it is when the same
   * buffer is passed every time.
   */
  key(frame: CpuFrame, out: Uint8ClampedArray): PixelBox
}

export function createCpuKeyer(): CpuKeyer {
  let keyColor: Rgb = { r: 0, g: 177, b: 64 }
  const settings: KeySettings = { similarity: 0.25, smoothness: 0.35, spill: 1, erosion: 0 }
  let keyChannel = 1
  // Distance of each (U, V) pair to the key, for one matrix and range; rebuilt when either changes.
  const uvDistance = new Float32Array(256 * 256)
  let uvTableFor = ''
  let distance = new Float32Array(0)
  let smoothed = new Float32Array(0)
  let alpha = new Float32Array(0)
  let rowAlpha = new Float32Array(0)
  const previous: PixelBox = { left: 0, top: 0, right: 0, bottom: 0 }
  let previousWidth = 0
  let previousHeight = 0

  const rgbKey = { cb: 0, cr: 0, inverseSaturation: 1 }

  function saturationOf(cb: number, cr: number): number {
    return 1 / Math.max(Math.hypot(cb, cr), MIN_KEY_SATURATION)
  }

  function buildUvTable(frame: I420Frame): void {
    const id = `${frame.matrix}:${frame.fullRange}:${keyColor.r},${keyColor.g},${keyColor.b}`
    if (id === uvTableFor) return
    uvTableFor = id
    const key = chromaOf(frame.matrix, keyColor.r, keyColor.g, keyColor.b)
    const inverseSaturation = saturationOf(key.cb, key.cr)
    const scale = frame.fullRange ? 1 / 255 : 1 / 224
    for (let u = 0; u < 256; u += 1) {
      const db = (u - 128) * scale - key.cb
      for (let v = 0; v < 256; v += 1) {
        const dr = (v - 128) * scale - key.cr
        uvDistance[(u << 8) | v] = Math.sqrt(db * db + dr * dr) * inverseSaturation
      }
    }
  }

  /** Key distance per chroma sample (one per 2x2 pixels). */
  function measure(frame: CpuFrame, cw: number, ch: number): void {
    if (frame.format === 'I420') {
      buildUvTable(frame)
      const { u, v, uvStride } = frame
      for (let cy = 0; cy < ch; cy += 1) {
        const row = cy * uvStride
        const at = cy * cw
        for (let cx = 0; cx < cw; cx += 1) {
          distance[at + cx] = uvDistance[((u[row + cx] ?? 128) << 8) | (v[row + cx] ?? 128)] ?? 0
        }
      }
      return
    }
    // RGBA: the mean colour of each 2x2 block, as a 4:2:0 encoder would see it, in the shader's BT.709 CbCr.
    const { data, stride, width, height } = frame
    const { kr, kb } = LUMA.bt709
    const kg = 1 - kr - kb
    const cbScale = 1 / (2 * (1 - kb) * 255)
    const crScale = 1 / (2 * (1 - kr) * 255)
    for (let cy = 0; cy < ch; cy += 1) {
      const y0 = 2 * cy
      const y1 = Math.min(y0 + 1, height - 1)
      for (let cx = 0; cx < cw; cx += 1) {
        const x0 = 2 * cx
        const x1 = Math.min(x0 + 1, width - 1)
        const a = y0 * stride + x0 * 4
        const b = y0 * stride + x1 * 4
        const c = y1 * stride + x0 * 4
        const d = y1 * stride + x1 * 4
        const r = ((data[a] ?? 0) + (data[b] ?? 0) + (data[c] ?? 0) + (data[d] ?? 0)) * 0.25
        const g = ((data[a + 1] ?? 0) + (data[b + 1] ?? 0) + (data[c + 1] ?? 0) + (data[d + 1] ?? 0)) * 0.25
        const bl = ((data[a + 2] ?? 0) + (data[b + 2] ?? 0) + (data[c + 2] ?? 0) + (data[d + 2] ?? 0)) * 0.25
        const luma = kr * r + kg * g + kb * bl
        const db = (bl - luma) * cbScale - rgbKey.cb
        const dr = (r - luma) * crScale - rgbKey.cr
        distance[cy * cw + cx] = Math.sqrt(db * db + dr * dr) * rgbKey.inverseSaturation
      }
    }
  }

  /**
   * A [1 2 1] tent across the chroma grid against compression noise (the shader's 3x3 box, one grid step
   * wide), the soft ramp, then erosion as the shader does it: the minimum matte on a ring around each sample.
   * Returns the box of samples with any alpha.
   */
  function matte(cw: number, ch: number, box: PixelBox): void {
    const ramp = 1 / Math.max(settings.smoothness, MIN_SMOOTHNESS)
    const similarity = settings.similarity
    for (let cy = 0; cy < ch; cy += 1) {
      const at = cy * cw
      for (let cx = 0; cx < cw; cx += 1) {
        const left = distance[at + (cx > 0 ? cx - 1 : cx)] ?? 0
        const right = distance[at + (cx < cw - 1 ? cx + 1 : cx)] ?? 0
        smoothed[at + cx] = (left + 2 * (distance[at + cx] ?? 0) + right) * 0.25
      }
    }
    const toMatte = (d: number): number => {
      const t = (d - similarity) * ramp
      const clamped = t <= 0 ? 0 : t >= 1 ? 1 : t
      return clamped * Math.sqrt(clamped)
    }
    // The box is found in the same pass; erosion below only shrinks the matte, so it stays a bound.
    let left = cw
    let right = -1
    let top = ch
    let bottom = -1
    for (let cy = 0; cy < ch; cy += 1) {
      const up = (cy > 0 ? cy - 1 : cy) * cw
      const at = cy * cw
      const down = (cy < ch - 1 ? cy + 1 : cy) * cw
      let first = -1
      let last = -1
      for (let cx = 0; cx < cw; cx += 1) {
        const d =
          ((smoothed[up + cx] ?? 0) + 2 * (smoothed[at + cx] ?? 0) + (smoothed[down + cx] ?? 0)) * 0.25
        const value = toMatte(d)
        alpha[at + cx] = value
        if (value > 0) {
          if (first < 0) first = cx
          last = cx
        }
      }
      if (first < 0) continue
      if (first < left) left = first
      if (last > right) right = last
      if (top === ch) top = cy
      bottom = cy
    }
    if (settings.erosion > 0) {
      // The shader erodes by `erosion` source pixels; here a grid step is two of them.
      const step = Math.max(1, Math.round(settings.erosion / 2))
      const diagonal = Math.max(1, Math.round(step * Math.SQRT1_2))
      const ring = [
        [step, 0],
        [-step, 0],
        [0, step],
        [0, -step],
        [diagonal, diagonal],
        [-diagonal, diagonal],
        [diagonal, -diagonal],
        [-diagonal, -diagonal],
      ] as const
      // Eroded values go to `smoothed` (no longer needed) and are copied back, so taps read the uneroded matte.
      for (let cy = 0; cy < ch; cy += 1) {
        for (let cx = 0; cx < cw; cx += 1) {
          let value = alpha[cy * cw + cx] ?? 0
          for (const [dx, dy] of ring) {
            if (value === 0) break
            const x = Math.min(cw - 1, Math.max(0, cx + dx))
            const y = Math.min(ch - 1, Math.max(0, cy + dy))
            value = Math.min(value, toMatte(distance[y * cw + x] ?? 0))
          }
          smoothed[cy * cw + cx] = value
        }
      }
      alpha.set(smoothed.subarray(0, cw * ch))
    }
    // In pixels, one grid step wider on each side: the upsampled matte reaches a pixel into the neighbours.
    box.left = Math.max(0, 2 * left - 1)
    box.top = Math.max(0, 2 * top - 1)
    box.right = right < 0 ? 0 : 2 * right + 3
    box.bottom = bottom < 0 ? 0 : 2 * bottom + 3
  }

  /** Writes keyed pixels for the box's rows; alpha is upsampled bilinearly from the chroma grid. */
  function compose(frame: CpuFrame, out: Uint8ClampedArray, box: PixelBox, cw: number, ch: number): void {
    const { width } = frame
    const spill = settings.spill
    const channel = keyChannel
    // YUV to RGB coefficients for this frame, on 0-255 values.
    let yScale = 1
    let yOffset = 0
    let crToR = 0
    let cbToG = 0
    let crToG = 0
    let cbToB = 0
    if (frame.format === 'I420') {
      const { kr, kb } = LUMA[frame.matrix]
      const kg = 1 - kr - kb
      const chromaScale = frame.fullRange ? 1 : 255 / 224
      yScale = frame.fullRange ? 1 : 255 / 219
      yOffset = frame.fullRange ? 0 : 16
      crToR = 2 * (1 - kr) * chromaScale
      cbToB = 2 * (1 - kb) * chromaScale
      cbToG = (-kb * 2 * (1 - kb) * chromaScale) / kg
      crToG = (-kr * 2 * (1 - kr) * chromaScale) / kg
    }
    // Plain locals for the hot loop: one shape, no union property look-ups per pixel.
    const isYuv = frame.format === 'I420'
    const yPlane = isYuv ? frame.y : NO_BYTES
    const uPlane = isYuv ? frame.u : NO_BYTES
    const vPlane = isYuv ? frame.v : NO_BYTES
    const yStride = isYuv ? frame.yStride : 0
    const uvStride = isYuv ? frame.uvStride : 0
    const rgba = isYuv ? NO_BYTES : frame.data
    const rgbaStride = isYuv ? 0 : frame.stride
    const boxLeft = box.left
    const boxRight = Math.min(box.right, width)
    const boxBottom = Math.min(box.bottom, frame.height)
    for (let y = box.top; y < boxBottom; y += 1) {
      // Vertical mix of the two nearest grid rows: 3/4 of the own row, 1/4 of the next one towards y.
      const cy = y >> 1
      const ny = y & 1 ? Math.min(ch - 1, cy + 1) : Math.max(0, cy - 1)
      const own = cy * cw
      const near = ny * cw
      const fromCx = Math.max(0, (boxLeft >> 1) - 1)
      const toCx = Math.min(cw, (boxRight >> 1) + 2)
      for (let cx = fromCx; cx < toCx; cx += 1) {
        rowAlpha[cx] = 0.75 * (alpha[own + cx] ?? 0) + 0.25 * (alpha[near + cx] ?? 0)
      }
      const outRow = y * width * 4
      for (let x = boxLeft; x < boxRight; x += 1) {
        const cx = x >> 1
        const nx = x & 1 ? Math.min(cw - 1, cx + 1) : Math.max(0, cx - 1)
        const a = 0.75 * (rowAlpha[cx] ?? 0) + 0.25 * (rowAlpha[nx] ?? 0)
        const o = outRow + x * 4
        if (a <= 0) {
          out[o] = 0
          out[o + 1] = 0
          out[o + 2] = 0
          out[o + 3] = 0
          continue
        }
        let r: number
        let g: number
        let b: number
        if (isYuv) {
          const luma = ((yPlane[y * yStride + x] ?? 0) - yOffset) * yScale
          const c = cy * uvStride + cx
          const cb = (uPlane[c] ?? 128) - 128
          const cr = (vPlane[c] ?? 128) - 128
          r = luma + crToR * cr
          g = luma + cbToG * cb + crToG * cr
          b = luma + cbToB * cb
        } else {
          const i = y * rgbaStride + x * 4
          r = rgba[i] ?? 0
          g = rgba[i + 1] ?? 0
          b = rgba[i + 2] ?? 0
        }
        // The classic despill: the key's channel is limited to the larger of the other two.
        if (channel === 1) {
          const excess = g - (r > b ? r : b)
          if (excess > 0) g -= excess * spill
        } else if (channel === 2) {
          const excess = b - (r > g ? r : g)
          if (excess > 0) b -= excess * spill
        } else {
          const excess = r - (g > b ? g : b)
          if (excess > 0) r -= excess * spill
        }
        out[o] = r
        out[o + 1] = g
        out[o + 2] = b
        out[o + 3] = a * 255
      }
    }
  }

  function clearOutside(out: Uint8ClampedArray, width: number, box: PixelBox): void {
    // Rows and columns of the previous box that the new one does not cover go back to transparent.
    for (let y = previous.top; y < previous.bottom; y += 1) {
      const inside = y >= box.top && y < box.bottom
      const row = y * width * 4
      if (!inside) {
        out.fill(0, row + previous.left * 4, row + previous.right * 4)
        continue
      }
      if (previous.left < box.left)
        out.fill(0, row + previous.left * 4, row + Math.min(box.left, previous.right) * 4)
      if (previous.right > box.right)
        out.fill(0, row + Math.max(box.right, previous.left) * 4, row + previous.right * 4)
    }
  }

  return {
    setKey(color, next) {
      keyColor = { ...color }
      settings.similarity = next.similarity
      settings.smoothness = next.smoothness
      settings.spill = next.spill
      settings.erosion = next.erosion
      const strongest = Math.max(color.r, color.g, color.b)
      // Ties go to green, the usual screen (as in the shader).
      keyChannel = color.g === strongest ? 1 : color.b === strongest ? 2 : 0
      const { cb, cr } = chromaOf('bt709', color.r, color.g, color.b)
      rgbKey.cb = cb
      rgbKey.cr = cr
      rgbKey.inverseSaturation = saturationOf(cb, cr)
      uvTableFor = ''
    },

    key(frame, out) {
      const { width, height } = frame
      const cw = (width + 1) >> 1
      const ch = (height + 1) >> 1
      if (distance.length < cw * ch) {
        distance = new Float32Array(cw * ch)
        smoothed = new Float32Array(cw * ch)
        alpha = new Float32Array(cw * ch)
        rowAlpha = new Float32Array(cw)
      }
      if (width !== previousWidth || height !== previousHeight) {
        // A new size means a new (transparent) buffer: nothing of the old box is in it.
        previous.left = previous.top = previous.right = previous.bottom = 0
        previousWidth = width
        previousHeight = height
      }
      measure(frame, cw, ch)
      const box: PixelBox = { left: 0, top: 0, right: 0, bottom: 0 }
      matte(cw, ch, box)
      box.right = Math.min(box.right, width)
      box.bottom = Math.min(box.bottom, height)
      clearOutside(out, width, box)
      compose(frame, out, box, cw, ch)
      const written: PixelBox = {
        left: Math.min(box.left, previous.left),
        top: Math.min(box.top, previous.top),
        right: Math.max(box.right, previous.right),
        bottom: Math.max(box.bottom, previous.bottom),
      }
      if (previous.right <= previous.left) Object.assign(written, box)
      else if (box.right <= box.left) Object.assign(written, previous)
      Object.assign(previous, box)
      return written
    },
  }
}

/**
 * RGBA samples of two rows and two columns `inset` pixels inside the frame's border, for the automatic key
 * colour (same order as Keyer.readBorder). Returns the number of pixels written.
 */
export function readFrameBorder(frame: CpuFrame, out: Uint8Array, inset: number): number {
  const { width, height } = frame
  if (width <= 2 * inset || height <= 2 * inset || out.length < 2 * (width + height) * 4) return 0
  let n = 0
  const put = (x: number, y: number): void => {
    const o = n * 4
    n += 1
    if (frame.format === 'RGBA') {
      const i = y * frame.stride + x * 4
      out[o] = frame.data[i] ?? 0
      out[o + 1] = frame.data[i + 1] ?? 0
      out[o + 2] = frame.data[i + 2] ?? 0
      out[o + 3] = 255
      return
    }
    const { kr, kb } = LUMA[frame.matrix]
    const kg = 1 - kr - kb
    const chromaScale = frame.fullRange ? 1 : 255 / 224
    const luma =
      ((frame.y[y * frame.yStride + x] ?? 0) - (frame.fullRange ? 0 : 16)) * (frame.fullRange ? 1 : 255 / 219)
    const c = (y >> 1) * frame.uvStride + (x >> 1)
    const cb = ((frame.u[c] ?? 128) - 128) * chromaScale
    const cr = ((frame.v[c] ?? 128) - 128) * chromaScale
    const r = luma + 2 * (1 - kr) * cr
    const b = luma + 2 * (1 - kb) * cb
    const g = (luma - kr * r - kb * b) / kg
    out[o] = Math.min(255, Math.max(0, Math.round(r)))
    out[o + 1] = Math.min(255, Math.max(0, Math.round(g)))
    out[o + 2] = Math.min(255, Math.max(0, Math.round(b)))
    out[o + 3] = 255
  }
  // Rows bottom-up like the GL read (row `inset` from the bottom first), then the left and right columns.
  for (let x = 0; x < width; x += 1) put(x, height - 1 - inset)
  for (let x = 0; x < width; x += 1) put(x, inset)
  for (let y = height - 1; y >= 0; y -= 1) put(inset, y)
  for (let y = height - 1; y >= 0; y -= 1) put(width - 1 - inset, y)
  return n
}
