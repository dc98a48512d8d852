import type { AvatarPlacement, ChromaKeySettings } from '../../../shared/settings/chroma'
import { parseHexColor, toHexColor, type Rgb } from './color'
import { createCpuCanvasKeyer, type CpuCanvasKeyer } from './cpu-keyer'
import { pickKeyColor } from './key-color-picker'
import { createKeyer, type Keyer } from './keyer'
import { computePlacement, type Size } from './placement'
import { chooseBackend } from './renderer'

/** webgl: keyed by the WebGL shader; cpu: keyed by the CPU keyer into a 2D canvas; plain: the video as is. */
export type CompositorMode = 'webgl' | 'cpu' | 'plain'

export interface CompositorOptions {
  chromaKey: ChromaKeySettings
  placement: AvatarPlacement
}

export interface CompositorInit {
  /** The avatar stream. Shown as is in plain mode; hidden (but still playing) while the canvas shows it keyed. */
  video: HTMLVideoElement
  /** Fills the stage, above the background layer; the compositor sizes its drawing buffer to match. */
  canvas: HTMLCanvasElement
  options: CompositorOptions
  /** Every change of mode, with the reason, for the log. Also called once at creation. */
  onModeChange?: (mode: CompositorMode, reason: string) => void
}

export interface Compositor {
  /** webgl or cpu: the canvas shows the keyed video; plain: the video element itself shows. */
  readonly mode: CompositorMode
  /** The key colour in use (#rrggbb): the automatic pick, or the configured colour until there is one. */
  readonly keyColor: string
  /**
   * The WebGL renderer's name, for the log ('' without WebGL2). A software one (SwiftShader, llvmpipe) makes
   * the automatic choice key on the CPU instead, where WebGL costs far more (see scripts/bench/chroma.ts).
   * The path is chosen once, at creation: a canvas keeps the kind of context it was first given.
   */
  readonly renderer: string
  /** Frames keyed and drawn so far (the CPU path skips frames that arrive while it is busy). */
  readonly framesKeyed: number
  /** Applies new settings at once, redrawing the current frame; parts left out stay as they are. */
  update(options: Partial<CompositorOptions>): void
  /**
   * Keys and draws one frame now, outside the video's own frame loop (tests, benchmarks, still images).
   * Returns false in plain mode. On the CPU path this reads the source through a 2D canvas, synchronously.
   */
  drawFrame(source: TexImageSource): boolean
  /** Reads the canvas (RGBA, premultiplied, rows bottom-up). Only meaningful in the task that drew. */
  readPixels(x: number, y: number, width: number, height: number, out: Uint8Array): boolean
  destroy(): void
}

const CONTEXT_ATTRIBUTES: WebGLContextAttributes = {
  alpha: true,
  premultipliedAlpha: true,
  antialias: false,
  depth: false,
  stencil: false,
  preserveDrawingBuffer: false,
  powerPreference: 'high-performance',
}

// The pick reads back a few thousand pixels, a pipeline stall: retry often until the screen colour is found
// (a stream often starts on black frames), then only look again now and then.
const PICK_RETRY_MS = 500
const PICK_REFRESH_MS = 10_000
const BORDER_INSET = 2
const HAVE_CURRENT_DATA = 2
/** Below this the upscaled avatar would look soft even on a tiny source; keep at least a quarter. */
const MIN_RENDER_SCALE = 0.25

export function createCompositor({
  video,
  canvas,
  options: initial,
  onModeChange,
}: CompositorInit): Compositor {
  let options = initial
  let configuredKey = parseHexColor(options.chromaKey.keyColor)
  let pickedKey: Rgb | null = null
  let nextPickAt = 0
  let borderSamples = new Uint8Array(0)

  let mode: CompositorMode | null = null
  let keyer: Keyer | null = null
  let cpuKeyer: CpuCanvasKeyer | null = null
  let copying = false // a video frame is being copied out for the CPU keyer
  let keyerError: string | null = null
  let contextLost = false
  let destroyed = false
  let frameRequest: number | null = null
  let framesKeyed = 0

  const device: Size = { width: 0, height: 0 } // the canvas box, device pixels
  const target: Size = { width: 0, height: 0 } // drawing buffer: device pixels, or fewer (see renderScale)
  const view: Size = { width: 0, height: 0 } // the canvas box, CSS pixels
  const frameSize: Size = { width: 0, height: 0 }
  const laidOut: Size = { width: 0, height: 0 } // the frame size the keyer's layout was computed for

  const backend = chooseBackend(options.chromaKey.renderer)
  const keyedMode: CompositorMode = backend.kind === 'cpu' ? 'cpu' : 'webgl'
  const gl = backend.kind === 'gpu' ? canvas.getContext('webgl2', CONTEXT_ATTRIBUTES) : null
  const unavailable =
    backend.kind === 'gpu' && gl === null
      ? 'WebGL2 is unavailable'
      : typeof video.requestVideoFrameCallback !== 'function'
        ? 'requestVideoFrameCallback is unavailable'
        : null

  const debugInfo = gl?.getExtension('WEBGL_debug_renderer_info') ?? null
  const renderer =
    gl === null
      ? backend.renderer
      : String(gl.getParameter(debugInfo?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) ?? '')

  const keyInUse = (): Rgb =>
    options.chromaKey.autoKeyColor && pickedKey !== null ? pickedKey : configuredKey

  function buildKeyer(): void {
    keyer = null
    cpuKeyer = null
    laidOut.width = 0
    laidOut.height = 0
    if (gl === null && backend.kind === 'gpu') return
    try {
      if (gl === null) {
        cpuKeyer = createCpuCanvasKeyer(canvas)
        keyer = cpuKeyer
      } else {
        keyer = createKeyer(gl)
      }
      keyerError = null
      keyer.setKey(keyInUse(), options.chromaKey)
    } catch (error) {
      keyerError = error instanceof Error ? error.message : String(error)
    }
  }

  /**
   * The avatar never gets more pixels than the cropped frame has: when it is shown larger, the drawing buffer
   * shrinks and the browser scales the canvas up. Same picture, far fewer fragments to key, which matters on
   * kiosks without a GPU (SwiftShader keys on the CPU).
   */
  function renderScale(): number {
    if (keyer === null || keyer.frameWidth === 0 || view.width === 0 || device.width === 0) return 1
    const frame = { width: keyer.frameWidth, height: keyer.frameHeight }
    const { dest, source } = computePlacement(frame, view, options.placement)
    const destDeviceWidth = dest.width * (device.width / view.width)
    if (destDeviceWidth <= 0) return 1
    const sourceWidth = frame.width * (source.right - source.left)
    return Math.min(1, Math.max(MIN_RENDER_SCALE, sourceWidth / destDeviceWidth))
  }

  function sizeBuffer(): void {
    const scale = renderScale()
    target.width = Math.max(1, Math.round(device.width * scale))
    target.height = Math.max(1, Math.round(device.height * scale))
    // Resizing the drawing buffer clears it: callers redraw in the same task, before the browser paints.
    if (canvas.width !== target.width) canvas.width = target.width
    if (canvas.height !== target.height) canvas.height = target.height
  }

  function layOutKeyer(): void {
    if (keyer === null || keyer.frameWidth === 0) return
    laidOut.width = keyer.frameWidth
    laidOut.height = keyer.frameHeight
    sizeBuffer()
    keyer.setLayout(computePlacement(laidOut, target, options.placement), target)
  }

  /** Places the plain video exactly where the keyed one would be, so a fallback does not move the avatar. */
  function placeVideo(): void {
    const frame = { width: video.videoWidth, height: video.videoHeight }
    if (frame.width === 0 || frame.height === 0 || view.width === 0 || view.height === 0) return
    const { dest, source } = computePlacement(frame, view, options.placement)
    const fullWidth = dest.width / (source.right - source.left)
    const fullHeight = dest.height / (source.bottom - source.top)
    const style = video.style
    style.position = 'absolute'
    style.left = `${dest.x - source.left * fullWidth}px`
    style.top = `${dest.y - source.top * fullHeight}px`
    style.width = `${fullWidth}px`
    style.height = `${fullHeight}px`
    style.maxWidth = 'none'
    style.objectFit = 'fill'
    style.clipPath = `inset(${source.top * 100}% ${(1 - source.right) * 100}% ${(1 - source.bottom) * 100}% ${source.left * 100}%)`
  }

  function pickKey(now: number): void {
    if (keyer === null) return
    const needed = 2 * (keyer.frameWidth + keyer.frameHeight) * 4
    if (borderSamples.length < needed) borderSamples = new Uint8Array(needed)
    const pick = pickKeyColor(borderSamples, keyer.readBorder(borderSamples, BORDER_INSET))
    nextPickAt = now + (pick === null ? PICK_RETRY_MS : PICK_REFRESH_MS)
    if (pick === null) return
    const previous = pickedKey
    const moved =
      previous === null ||
      Math.abs(previous.r - pick.color.r) +
        Math.abs(previous.g - pick.color.g) +
        Math.abs(previous.b - pick.color.b) >
        3
    if (moved) {
      pickedKey = pick.color
      keyer.setKey(pickedKey, options.chromaKey)
    }
  }

  function frameSizeOf(source: TexImageSource): boolean {
    if (source instanceof HTMLVideoElement) {
      frameSize.width = source.videoWidth
      frameSize.height = source.videoHeight
    } else if (source instanceof HTMLImageElement) {
      frameSize.width = source.naturalWidth
      frameSize.height = source.naturalHeight
    } else if ('displayWidth' in source) {
      frameSize.width = source.displayWidth
      frameSize.height = source.displayHeight
    } else {
      frameSize.width = source.width
      frameSize.height = source.height
    }
    return frameSize.width > 0 && frameSize.height > 0
  }

  /** The per-frame path: no allocations here (on the GPU path). */
  function keyAndDraw(source: TexImageSource, now: number): boolean {
    if (keyer === null || !frameSizeOf(source)) return false
    keyer.upload(source, frameSize.width, frameSize.height)
    drawUploaded(keyer, now)
    return true
  }

  function drawUploaded(keyer: Keyer, now: number): void {
    if (keyer.frameWidth !== laidOut.width || keyer.frameHeight !== laidOut.height) {
      layOutKeyer()
      nextPickAt = 0
    }
    if (options.chromaKey.autoKeyColor && now >= nextPickAt) pickKey(now)
    keyer.draw()
    framesKeyed += 1
  }

  /**
   * The CPU path copies the decoded planes out asynchronously; a frame that arrives meanwhile is skipped
   * rather than queued, so a slow machine shows fewer frames instead of falling behind.
   */
  function keyVideoOnCpu(target: CpuCanvasKeyer, now: number): void {
    if (copying) return
    copying = true
    void target
      .uploadVideo(video)
      .then((copied) => {
        if (copied && cpuKeyer === target && mode === 'cpu') drawUploaded(target, now)
      })
      .catch(() => undefined) // a frame that cannot be copied is skipped; the next one tries again
      .finally(() => {
        copying = false
      })
  }

  const onVideoFrame = (now: DOMHighResTimeStamp): void => {
    frameRequest = null
    if (mode !== keyedMode) return
    if (cpuKeyer !== null) keyVideoOnCpu(cpuKeyer, now)
    else keyAndDraw(video, now)
    frameRequest = video.requestVideoFrameCallback(onVideoFrame)
  }

  function plainReason(): string | null {
    if (destroyed) return 'the compositor was destroyed'
    if (!options.chromaKey.enabled) return 'chroma key is off'
    if (unavailable !== null) return unavailable
    if (contextLost) return 'the WebGL context was lost'
    if (keyer === null) return `the keyer could not be built: ${keyerError ?? 'unknown error'}`
    return null
  }

  function syncMode(keyedReason: string): void {
    const reason = plainReason()
    const next: CompositorMode = reason === null ? keyedMode : 'plain'
    if (next !== 'plain') {
      // Fill the canvas before it is shown, so switching never flashes an empty stage.
      if (mode !== next && video.readyState >= HAVE_CURRENT_DATA) keyAndDraw(video, performance.now())
      if (frameRequest === null) frameRequest = video.requestVideoFrameCallback(onVideoFrame)
    } else if (frameRequest !== null) {
      video.cancelVideoFrameCallback(frameRequest)
      frameRequest = null
    }
    if (next === mode) return
    mode = next
    // visibility, not display: a hidden video keeps decoding and delivering frame callbacks.
    canvas.style.visibility = next === 'plain' ? 'hidden' : ''
    video.style.visibility = next === 'plain' ? '' : 'hidden'
    onModeChange?.(next, reason ?? keyedReason)
  }

  function redraw(): void {
    if (mode === keyedMode && keyer !== null) keyer.draw()
  }

  function measure(cssWidth: number, cssHeight: number, deviceWidth: number, deviceHeight: number): void {
    view.width = cssWidth
    view.height = cssHeight
    device.width = Math.max(1, deviceWidth)
    device.height = Math.max(1, deviceHeight)
    sizeBuffer()
    layOutKeyer()
    placeVideo()
    redraw()
  }

  const resizeObserver = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1]
    const box = entry?.contentBoxSize[0]
    if (entry === undefined || box === undefined) return
    const device = entry.devicePixelContentBoxSize?.[0]
    measure(
      box.inlineSize,
      box.blockSize,
      device?.inlineSize ?? Math.round(box.inlineSize * devicePixelRatio),
      device?.blockSize ?? Math.round(box.blockSize * devicePixelRatio),
    )
  })
  try {
    resizeObserver.observe(canvas, { box: 'device-pixel-content-box' })
  } catch {
    resizeObserver.observe(canvas)
  }

  const onContextLost = (event: Event): void => {
    // Without preventDefault the browser never restores the context.
    event.preventDefault()
    contextLost = true
    keyer = null
    cpuKeyer = null
    syncMode('')
  }
  const onContextRestored = (): void => {
    contextLost = false
    buildKeyer()
    layOutKeyer()
    syncMode('the WebGL context was restored')
  }
  const onVideoResize = (): void => placeVideo()

  canvas.addEventListener('webglcontextlost', onContextLost)
  canvas.addEventListener('webglcontextrestored', onContextRestored)
  video.addEventListener('loadedmetadata', onVideoResize)
  video.addEventListener('resize', onVideoResize)

  // The drawing buffer follows the canvas box; a canvas without a CSS size would instead take its size from the
  // buffer, and grow on every resize on a high-DPI screen.
  if (canvas.style.width === '') canvas.style.width = '100%'
  if (canvas.style.height === '') canvas.style.height = '100%'
  const rect = canvas.getBoundingClientRect()
  measure(
    rect.width,
    rect.height,
    Math.round(rect.width * devicePixelRatio),
    Math.round(rect.height * devicePixelRatio),
  )
  if (unavailable === null) buildKeyer()
  syncMode(backend.reason)

  return {
    get mode() {
      return mode ?? 'plain'
    },
    get keyColor() {
      return toHexColor(keyInUse())
    },
    renderer,
    get framesKeyed() {
      return framesKeyed
    },

    update(next) {
      const wasAuto = options.chromaKey.autoKeyColor
      options = { ...options, ...next }
      configuredKey = parseHexColor(options.chromaKey.keyColor)
      if (options.chromaKey.autoKeyColor && !wasAuto) nextPickAt = 0
      keyer?.setKey(keyInUse(), options.chromaKey)
      layOutKeyer()
      placeVideo()
      syncMode('chroma key is on')
      redraw()
    },

    drawFrame(source) {
      return mode === keyedMode && keyAndDraw(source, performance.now())
    },

    readPixels(x, y, width, height, out) {
      if (keyer === null || mode !== keyedMode) return false
      return keyer.readPixels(x, y, width, height, out)
    },

    destroy() {
      if (destroyed) return
      destroyed = true
      syncMode('')
      resizeObserver.disconnect()
      canvas.removeEventListener('webglcontextlost', onContextLost)
      canvas.removeEventListener('webglcontextrestored', onContextRestored)
      video.removeEventListener('loadedmetadata', onVideoResize)
      video.removeEventListener('resize', onVideoResize)
      keyer?.dispose()
      keyer = null
      cpuKeyer = null
    },
  }
}
