import type { RgbCanvas } from './canvas'

/**
 * Packed RGB to planar I420 with BT.601 limited-range coefficients, which is what decoders assume for
 * untagged VP8/H.264. Chroma is the average of each 2x2 block, so edges bleed like a real camera feed.
 */
export function rgbToI420(canvas: RgbCanvas): Buffer {
  assertEven(canvas.width, canvas.height)
  const out = Buffer.alloc(i420Size(canvas.width, canvas.height))
  convertRows(canvas, out, 0, canvas.height)
  return out
}

/** Re-converts only rows [y0, y1) into an existing frame: variants differ from the base only around the face. */
export function convertRows(canvas: RgbCanvas, out: Buffer, y0: number, y1: number): void {
  const { width, height, data } = canvas
  const from = Math.max(0, y0 - (y0 % 2))
  const to = Math.min(height, y1 + (y1 % 2))
  const lumaSize = width * height
  const uOffset = lumaSize
  const vOffset = lumaSize + lumaSize / 4
  for (let y = from; y < to; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      out[y * width + x] = lumaOf(data[i]!, data[i + 1]!, data[i + 2]!)
    }
  }
  const halfWidth = width / 2
  for (let y = from; y < to; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const i = (y * width + x) * 3
      const j = i + width * 3
      const r = (data[i]! + data[i + 3]! + data[j]! + data[j + 3]!) / 4
      const g = (data[i + 1]! + data[i + 4]! + data[j + 1]! + data[j + 4]!) / 4
      const b = (data[i + 2]! + data[i + 5]! + data[j + 2]! + data[j + 5]!) / 4
      const c = (y / 2) * halfWidth + x / 2
      out[uOffset + c] = clampByte(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255)
      out[vOffset + c] = clampByte(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255)
    }
  }
}

export function i420Size(width: number, height: number): number {
  return (width * height * 3) / 2
}

export function lumaOf(r: number, g: number, b: number): number {
  return clampByte(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255)
}

function assertEven(width: number, height: number): void {
  if (width % 2 !== 0 || height % 2 !== 0)
    throw new RangeError(`I420 needs even dimensions, got ${width}x${height}`)
}

function clampByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)))
}
