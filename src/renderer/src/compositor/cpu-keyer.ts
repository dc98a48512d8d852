import { createCpuKeyer, readFrameBorder, type CpuFrame, type PixelBox, type YuvMatrix } from './cpu-key'
import { KeyerError, type Keyer } from './keyer'
import type { PlacementLayout, SourceRegion } from './placement'

/** The CPU keyer behind the Keyer interface, drawing into a 2D canvas; see cpu-key.ts for why it exists. */
export interface CpuCanvasKeyer extends Keyer {
  /**
   * Copies the video's current frame out of the decoder without converting it (VideoFrame.copyTo: the I420
   * planes as decoded). Resolves false when there was no frame to copy.
   */
  uploadVideo(video: HTMLVideoElement): Promise<boolean>
}

// A gap of this much around the written box is cleared and redrawn too, so a scaled draw never leaves the
// filtered edge of an old frame behind.
const MARGIN = 2

function matrixOf(space: VideoColorSpace): YuvMatrix {
  // Streams that say nothing are almost always BT.601 (WebRTC's default), like Chromium's own conversion.
  return space.matrix === 'bt709' ? 'bt709' : 'bt601'
}

export function createCpuCanvasKeyer(canvas: HTMLCanvasElement): CpuCanvasKeyer {
  const found = canvas.getContext('2d')
  if (found === null) throw new KeyerError('no 2D canvas context')
  const context: CanvasRenderingContext2D = found
  const core = createCpuKeyer()
  let frame: CpuFrame | null = null
  let frameWidth = 0
  let frameHeight = 0
  let keyed = new ImageData(1, 1)
  let staging: OffscreenCanvas | null = null
  let stagingContext: OffscreenCanvasRenderingContext2D | null = null
  let scratch: OffscreenCanvas | null = null
  let planes = new Uint8Array(0)
  let stale = true // the frame has not been keyed with the current settings
  let fullRedraw = true
  let written: PixelBox = { left: 0, top: 0, right: 0, bottom: 0 }
  const dest = { x: 0, y: 0, width: 0, height: 0 }
  const source: SourceRegion = { left: 0, top: 0, right: 1, bottom: 1 }
  let targetWidth = 0
  let targetHeight = 0

  function adopt(next: CpuFrame): void {
    if (next.width !== frameWidth || next.height !== frameHeight) {
      frameWidth = next.width
      frameHeight = next.height
      keyed = new ImageData(frameWidth, frameHeight)
      staging = null
      stagingContext = null
      fullRedraw = true
    }
    frame = next
    stale = true
  }

  /** The source region in frame pixels. */
  function sourcePixels(): { x: number; y: number; width: number; height: number } {
    const x = source.left * frameWidth
    const y = source.top * frameHeight
    return {
      x,
      y,
      width: (source.right - source.left) * frameWidth,
      height: (source.bottom - source.top) * frameHeight,
    }
  }

  /** Whether the frame lands on the canvas pixel for pixel, so putImageData can write it in place. */
  function oneToOne(): boolean {
    const from = sourcePixels()
    return Math.abs(dest.width - from.width) < 0.5 && Math.abs(dest.height - from.height) < 0.5
  }

  function putInPlace(box: PixelBox): void {
    const from = sourcePixels()
    const left = Math.max(box.left, Math.round(from.x))
    const top = Math.max(box.top, Math.round(from.y))
    const right = Math.min(box.right, Math.round(from.x + from.width))
    const bottom = Math.min(box.bottom, Math.round(from.y + from.height))
    if (right <= left || bottom <= top) return
    const dx = Math.round(dest.x - from.x)
    const dy = Math.round(dest.y - from.y)
    context.putImageData(keyed, dx, dy, left, top, right - left, bottom - top)
  }

  function drawScaled(box: PixelBox): void {
    if (staging === null || stagingContext === null) {
      staging = new OffscreenCanvas(frameWidth, frameHeight)
      stagingContext = staging.getContext('2d')
      if (stagingContext === null) return
      box = { left: 0, top: 0, right: frameWidth, bottom: frameHeight }
    }
    stagingContext.putImageData(keyed, 0, 0, box.left, box.top, box.right - box.left, box.bottom - box.top)
    const from = sourcePixels()
    const left = Math.max(box.left - MARGIN, from.x)
    const top = Math.max(box.top - MARGIN, from.y)
    const right = Math.min(box.right + MARGIN, from.x + from.width)
    const bottom = Math.min(box.bottom + MARGIN, from.y + from.height)
    if (right <= left || bottom <= top) return
    const scaleX = dest.width / from.width
    const scaleY = dest.height / from.height
    const x = dest.x + (left - from.x) * scaleX
    const y = dest.y + (top - from.y) * scaleY
    const width = (right - left) * scaleX
    const height = (bottom - top) * scaleY
    if (!fullRedraw) {
      context.clearRect(
        Math.floor(x),
        Math.floor(y),
        Math.ceil(x + width) - Math.floor(x),
        Math.ceil(y + height) - Math.floor(y),
      )
    }
    context.drawImage(staging, left, top, right - left, bottom - top, x, y, width, height)
  }

  return {
    get frameWidth() {
      return frameWidth
    },
    get frameHeight() {
      return frameHeight
    },

    upload(image, width, height) {
      // Stills and the first frame: a synchronous read through a 2D canvas (video frames use uploadVideo).
      if (scratch === null || scratch.width !== width || scratch.height !== height) {
        scratch = new OffscreenCanvas(width, height)
      }
      const scratchContext = scratch.getContext('2d', { willReadFrequently: true })
      if (scratchContext === null) return
      let pixels: ImageData
      if (image instanceof ImageData) {
        pixels = image
      } else {
        scratchContext.clearRect(0, 0, width, height)
        scratchContext.drawImage(image, 0, 0, width, height)
        pixels = scratchContext.getImageData(0, 0, width, height)
      }
      adopt({ format: 'RGBA', width, height, data: pixels.data, stride: width * 4 })
    },

    async uploadVideo(video) {
      let videoFrame: VideoFrame
      try {
        videoFrame = new VideoFrame(video)
      } catch {
        return false // no frame decoded yet
      }
      try {
        const rect = videoFrame.visibleRect
        const width = rect?.width ?? videoFrame.displayWidth
        const height = rect?.height ?? videoFrame.displayHeight
        if (width === 0 || height === 0) return false
        if (videoFrame.format === 'I420' || videoFrame.format === 'I420A') {
          const size = videoFrame.allocationSize()
          if (planes.length < size) planes = new Uint8Array(size)
          // The planes are handed over as decoded: no colour conversion, and U and V are a quarter each.
          const layout = await videoFrame.copyTo(planes)
          const [y, u, v] = layout
          if (y === undefined || u === undefined || v === undefined) return false
          adopt({
            format: 'I420',
            width,
            height,
            y: planes.subarray(y.offset),
            u: planes.subarray(u.offset),
            v: planes.subarray(v.offset),
            yStride: y.stride,
            uvStride: u.stride,
            matrix: matrixOf(videoFrame.colorSpace),
            fullRange: videoFrame.colorSpace.fullRange === true,
          })
          return true
        }
        // Anything else (NV12, RGB from a canvas capture) is converted by the browser.
        const options: VideoFrameCopyToOptions = { format: 'RGBA', colorSpace: 'srgb' }
        const size = videoFrame.allocationSize(options)
        if (planes.length < size) planes = new Uint8Array(size)
        const [layout] = await videoFrame.copyTo(planes, options)
        adopt({ format: 'RGBA', width, height, data: planes, stride: layout?.stride ?? width * 4 })
        return true
      } finally {
        videoFrame.close()
      }
    },

    setKey(color, settings) {
      core.setKey(color, settings)
      stale = true
    },

    setLayout(layout: PlacementLayout, target) {
      targetWidth = target.width
      targetHeight = target.height
      Object.assign(dest, layout.dest)
      Object.assign(source, layout.source)
      fullRedraw = true
    },

    draw() {
      if (frame !== null && stale) {
        written = core.key(frame, keyed.data)
        stale = false
      } else {
        written = { left: 0, top: 0, right: 0, bottom: 0 }
      }
      if (fullRedraw) {
        context.clearRect(0, 0, targetWidth, targetHeight)
        written = { left: 0, top: 0, right: frameWidth, bottom: frameHeight }
      }
      if (frame === null || dest.width <= 0 || dest.height <= 0) return
      if (oneToOne()) putInPlace(written)
      else drawScaled(written)
      fullRedraw = false
    },

    readBorder(out, inset) {
      return frame === null ? 0 : readFrameBorder(frame, out, inset)
    },

    readPixels(x, y, width, height, out) {
      // Same contract as gl.readPixels: premultiplied, rows bottom-up from (x, y) at the bottom left.
      const image = context.getImageData(x, canvas.height - y - height, width, height)
      const data = image.data
      for (let row = 0; row < height; row += 1) {
        const from = (height - 1 - row) * width * 4
        const to = row * width * 4
        for (let i = 0; i < width * 4; i += 4) {
          const alpha = data[from + i + 3] ?? 0
          out[to + i] = Math.round(((data[from + i] ?? 0) * alpha) / 255)
          out[to + i + 1] = Math.round(((data[from + i + 1] ?? 0) * alpha) / 255)
          out[to + i + 2] = Math.round(((data[from + i + 2] ?? 0) * alpha) / 255)
          out[to + i + 3] = alpha
        }
      }
      return true
    },

    dispose() {
      frame = null
      planes = new Uint8Array(0)
      staging = null
      stagingContext = null
      scratch = null
    },
  }
}
