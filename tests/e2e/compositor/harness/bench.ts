import { median } from '../../../../scripts/bench/stats'
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

/** A muted looping video, playing and with its first frame decoded, and a stage box of its size to put it in. */
async function playLoopingVideo(
  url: string,
): Promise<{ video: HTMLVideoElement; width: number; height: number; root: HTMLDivElement }> {
  const video = document.createElement('video')
  video.muted = true
  video.loop = true
  video.playsInline = true
  video.src = url
  await video.play()
  await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()))
  const width = video.videoWidth
  const height = video.videoHeight
  const root = document.createElement('div')
  root.style.position = 'relative'
  root.style.width = `${width}px`
  root.style.height = `${height}px`
  return { video, width, height, root }
}

/** Layers an element over the stage box's top-left corner, at the video's size. */
function stackOnStage(element: HTMLElement, width: number, height: number): void {
  element.style.position = 'absolute'
  element.style.left = '0'
  element.style.top = '0'
  element.style.width = `${width}px`
  element.style.height = `${height}px`
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
  const { video, width, height, root } = await playLoopingVideo(input.videoUrl)
  const keyedCanvas = document.createElement('canvas')
  const baselineCanvas = document.createElement('canvas')
  baselineCanvas.width = width
  baselineCanvas.height = height
  for (const element of [keyedCanvas, baselineCanvas, video]) stackOnStage(element, width, height)
  // The compositor gets a video of its own that never plays, so that only the timed calls below draw.
  const idleVideo = document.createElement('video')
  root.append(video, idleVideo, baselineCanvas, keyedCanvas)
  document.body.append(root)

  const compositor = createCompositor({
    video: idleVideo,
    canvas: keyedCanvas,
    // These per-frame figures have always timed the WebGL path; the CPU keyer is measured by startLoad.
    options: {
      chromaKey: ChromaKeySettingsSchema.parse({ renderer: 'gpu' }),
      placement: AvatarPlacementSchema.parse({}),
    },
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

export type LoadMethod = 'video' | 'demo' | 'ours' | 'oursGpu'

export interface LoadInput {
  videoUrl: string
  /**
   * video: the video playing, hidden, and nothing else (the floor every method stands on); demo: the HeyGen
   * demo's loop on every new frame into a visible canvas; ours: the compositor as the app runs it (automatic
   * path); oursGpu: the compositor forced onto WebGL.
   */
  method: LoadMethod
}

export interface LoadStarted {
  width: number
  height: number
  /** The compositor's mode ('' for video and demo). */
  mode: string
  renderer: string
}

let load: { frames: number; stop: () => void } | null = null

/**
 * Starts one method on a looping video, as the stage lays it out (background layer, then the keyed canvas
 * the size of the video on top), and leaves it running until stopLoad. The bench reads the browser's CPU
 * time from /proc meanwhile: every process counts, the GPU process too, where WebGL really runs.
 */
export async function startLoad(input: LoadInput): Promise<LoadStarted> {
  stopLoad()
  const { video, width, height, root } = await playLoopingVideo(input.videoUrl)
  root.style.background = 'radial-gradient(ellipse at 50% 30%, #1f4058 0%, #0b1d2a 75%)'
  const canvas = document.createElement('canvas')
  for (const element of [video, canvas]) stackOnStage(element, width, height)
  root.append(video, canvas)
  document.body.append(root)
  const state = { frames: 0, stop: () => undefined as void }
  let request = 0
  const count = (): void => {
    state.frames += 1
    request = video.requestVideoFrameCallback(count)
  }
  let started: LoadStarted = { width, height, mode: '', renderer: '' }
  if (input.method === 'video') {
    video.style.visibility = 'hidden'
    request = video.requestVideoFrameCallback(count)
    state.stop = () => video.cancelVideoFrameCallback(request)
  } else if (input.method === 'demo') {
    video.style.visibility = 'hidden'
    canvas.width = width
    canvas.height = height
    const context = canvas.getContext('2d', { willReadFrequently: true })
    if (context === null) throw new Error('no 2d context')
    const demo = (): void => {
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
      state.frames += 1
      request = video.requestVideoFrameCallback(demo)
    }
    request = video.requestVideoFrameCallback(demo)
    state.stop = () => video.cancelVideoFrameCallback(request)
  } else {
    const compositor = createCompositor({
      video,
      canvas,
      options: {
        chromaKey: ChromaKeySettingsSchema.parse({ renderer: input.method === 'oursGpu' ? 'gpu' : 'auto' }),
        placement: AvatarPlacementSchema.parse({}),
      },
    })
    started = { width, height, mode: compositor.mode, renderer: compositor.renderer }
    const keyedBefore = compositor.framesKeyed
    Object.defineProperty(state, 'frames', { get: () => compositor.framesKeyed - keyedBefore })
    state.stop = () => compositor.destroy()
  }
  const stopAll = state.stop
  state.stop = () => {
    stopAll()
    video.pause()
    video.removeAttribute('src')
    video.load()
    root.remove()
  }
  load = state
  return started
}

/** Stops the running method; returns the frames it handled since its start. */
export function stopLoad(): number {
  const current = load
  load = null
  if (current === null) return 0
  current.stop()
  return current.frames
}

/** Frames handled so far by the running method. */
export function loadFrames(): number {
  return load?.frames ?? 0
}
