import { createCompositor } from '../../../../src/renderer/src/compositor'
import { AvatarPlacementSchema, ChromaKeySettingsSchema } from '../../../../src/shared/settings/chroma'

export interface BenchInput {
  videoUrl: string
  /** Timed frames per method. */
  samples: number
  /** Untimed frames per method first (shader compilation, JIT, first texture allocation). */
  warmup: number
  timeoutMs: number
}

export interface BenchResult {
  width: number
  height: number
  /** Main-thread time to key and submit one frame: what the page's own thread pays per frame. */
  compositorMs: number
  /** Until the GPU has finished that frame (one-pixel read back): the whole pipeline, GPU process included. */
  compositorGpuMs: number
  baselineMs: number
  compositorSamples: number
  baselineSamples: number
  renderer: string
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}

/**
 * Times both keyers on the same playing video, in the same page, on alternate new frames (so neither reuses
 * a frame the other already converted, and both see the same machine load):
 *
 * - compositor, two ways: (1) the main-thread cost of uploading, keying and drawing a frame, which is what a
 *   page pays per frame (the GPU process works in parallel); (2) the same, then reading back one pixel, which
 *   waits until the GPU (here SwiftShader, on the CPU) has really finished; gl.finish() does not wait in
 *   Chromium.
 * - baseline: the HeyGen demo's loop, reproduced as published: drawImage into a 2D canvas (willReadFrequently),
 *   getImageData, alpha 0 where g > 90 && r < 90 && b < 90, putImageData.
 *
 * Both canvases are on screen and the same size as the video; the browser's own compositing of either canvas
 * happens after the timed section, for both.
 */
export async function runChromaBench(input: BenchInput): Promise<BenchResult> {
  const video = document.createElement('video')
  video.muted = true
  video.loop = true
  video.playsInline = true
  video.src = input.videoUrl
  await video.play()
  await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()))
  const width = video.videoWidth
  const height = video.videoHeight

  const root = document.createElement('div')
  root.style.position = 'relative'
  root.style.width = `${width}px`
  root.style.height = `${height}px`
  const keyedCanvas = document.createElement('canvas')
  const baselineCanvas = document.createElement('canvas')
  baselineCanvas.width = width
  baselineCanvas.height = height
  for (const element of [keyedCanvas, baselineCanvas, video]) {
    element.style.position = 'absolute'
    element.style.left = '0'
    element.style.top = '0'
    element.style.width = `${width}px`
    element.style.height = `${height}px`
  }
  // The compositor gets a video of its own that never plays, so that only the timed calls below draw.
  const idleVideo = document.createElement('video')
  root.append(video, idleVideo, baselineCanvas, keyedCanvas)
  document.body.append(root)

  const compositor = createCompositor({
    video: idleVideo,
    canvas: keyedCanvas,
    options: { chromaKey: ChromaKeySettingsSchema.parse({}), placement: AvatarPlacementSchema.parse({}) },
  })
  if (compositor.mode !== 'webgl') throw new Error('the compositor is not running on WebGL2 here')
  const pixel = new Uint8Array(4)

  const context = baselineCanvas.getContext('2d', { willReadFrequently: true })
  if (context === null) throw new Error('no 2d context')
  const baseline = (): void => {
    context.drawImage(video, 0, 0, width, height)
    const frame = context.getImageData(0, 0, width, height)
    const data = frame.data
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0
      const g = data[i + 1] ?? 0
      const b = data[i + 2] ?? 0
      if (g > 90 && r < 90 && b < 90) data[i + 3] = 0
    }
    context.putImageData(frame, 0, 0)
  }
  const synced = (): void => {
    compositor.drawFrame(video)
    compositor.readPixels(0, 0, 1, 1, pixel)
  }
  const submitted = (): void => {
    compositor.drawFrame(video)
  }
  // Before a baseline frame, wait for any GPU work a submit-only frame left behind, untimed, so that work is
  // never billed to the baseline.
  const settleGpu = (): void => {
    compositor.readPixels(0, 0, 1, 1, pixel)
  }

  type Method = 'submitted' | 'synced' | 'baseline'
  const order: Method[] = ['submitted', 'synced', 'baseline']
  const run: Record<Method, () => void> = { submitted, synced, baseline }
  const timings: Record<Method, number[]> = { submitted: [], synced: [], baseline: [] }
  const seen: Record<Method, number> = { submitted: 0, synced: 0, baseline: 0 }
  await new Promise<void>((resolve) => {
    const deadline = performance.now() + input.timeoutMs
    let index = 0
    const onFrame = (): void => {
      const turn = order[index % order.length] as Method
      if (turn !== 'submitted') settleGpu()
      const start = performance.now()
      run[turn]()
      const elapsed = performance.now() - start
      seen[turn] += 1
      if (seen[turn] > input.warmup) timings[turn].push(elapsed)
      index += 1
      const done = order.every((method) => timings[method].length >= input.samples)
      if (done || performance.now() > deadline) resolve()
      else video.requestVideoFrameCallback(onFrame)
    }
    video.requestVideoFrameCallback(onFrame)
  })

  const probe = document.createElement('canvas').getContext('webgl2')
  const info = probe?.getExtension('WEBGL_debug_renderer_info')
  const renderer = probe && info ? String(probe.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown'
  compositor.destroy()
  video.pause()
  root.remove()
  return {
    width,
    height,
    compositorMs: median(timings.submitted),
    compositorGpuMs: median(timings.synced),
    baselineMs: median(timings.baseline),
    compositorSamples: timings.submitted.length,
    baselineSamples: timings.baseline.length,
    renderer,
  }
}
