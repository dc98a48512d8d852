import './zod-jitless'
import { createBackgroundLayer, type BackgroundLayer } from '../../../../src/renderer/src/background'
import { createCompositor, type Compositor } from '../../../../src/renderer/src/compositor'
import {
  AvatarPlacementSchema,
  BackgroundSettingsSchema,
  ChromaKeySettingsSchema,
  type ChromaKeySettings,
} from '../../../../src/shared/settings/chroma'
import { loadFrames, runChromaBench, startLoad, stopLoad } from './bench'
import { FRAME_HEIGHT, FRAME_WIDTH, paintFrame, type Rgb3 } from './synthetic-frame'

/** Drives the real renderer modules for the Playwright specs and the benchmark (see compositor.spec.ts). */

interface Stage {
  root: HTMLElement
  background: HTMLElement
  video: HTMLVideoElement
  canvas: HTMLCanvasElement
}

function createStage(id: string, width: number, height: number): Stage {
  document.getElementById(id)?.remove()
  const root = document.createElement('div')
  root.id = id
  root.className = 'stage'
  root.style.width = `${width}px`
  root.style.height = `${height}px`
  const background = document.createElement('div')
  background.className = 'stage__background'
  const media = document.createElement('div')
  media.className = 'stage__media'
  const video = document.createElement('video')
  video.muted = true
  video.playsInline = true
  const canvas = document.createElement('canvas')
  canvas.className = 'stage__canvas'
  media.append(video, canvas)
  root.append(background, media)
  document.body.append(root)
  return { root, background, video, canvas }
}

function paintInto(canvas: HTMLCanvasElement, screen: Rgb3, seed: number): void {
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('no 2d context')
  const image = context.createImageData(FRAME_WIDTH, FRAME_HEIGHT)
  paintFrame(image.data, screen, undefined, seed)
  context.putImageData(image, 0, 0)
}

function frameCanvas(screen: Rgb3, seed = 1): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = FRAME_WIDTH
  canvas.height = FRAME_HEIGHT
  paintInto(canvas, screen, seed)
  return canvas
}

/** Canvas pixels come back bottom-up; the specs think in screen rows. */
function topDown(pixels: Uint8Array, width: number, height: number): number[] {
  const rows: number[] = new Array<number>(width * height * 4)
  for (let y = 0; y < height; y += 1) {
    const from = (height - 1 - y) * width * 4
    for (let i = 0; i < width * 4; i += 1) rows[y * width * 4 + i] = pixels[from + i] ?? 0
  }
  return rows
}

const cspViolations: string[] = []
document.addEventListener('securitypolicyviolation', (event) => {
  cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`)
})

export interface StillInput {
  screen: Rgb3
  width?: number
  height?: number
  chromaKey?: Partial<ChromaKeySettings>
  placement?: unknown
}

async function keyStill(input: StillInput) {
  const width = input.width ?? FRAME_WIDTH
  const height = input.height ?? FRAME_HEIGHT
  const stage = createStage('still', width, height)
  const modes: string[] = []
  const compositor = createCompositor({
    video: stage.video,
    canvas: stage.canvas,
    options: {
      chromaKey: ChromaKeySettingsSchema.parse(input.chromaKey ?? {}),
      placement: AvatarPlacementSchema.parse(input.placement ?? {}),
    },
    onModeChange: (mode, reason) => modes.push(`${mode}: ${reason}`),
  })
  const bitmap = await createImageBitmap(frameCanvas(input.screen))
  const drawn = compositor.drawFrame(bitmap)
  const pixels = new Uint8Array(stage.canvas.width * stage.canvas.height * 4)
  const read = compositor.readPixels(0, 0, stage.canvas.width, stage.canvas.height, pixels)
  const result = {
    drawn,
    read,
    mode: compositor.mode,
    modes,
    keyColor: compositor.keyColor,
    renderer: compositor.renderer,
    width: stage.canvas.width,
    height: stage.canvas.height,
    pixels: topDown(pixels, stage.canvas.width, stage.canvas.height),
  }
  compositor.destroy()
  return result
}

interface Live {
  stage: Stage
  compositor: Compositor
  chromaKey: ChromaKeySettings
  modes: string[]
  loseContext: WEBGL_lose_context | null
  stopSource: () => void
}
let live: Live | null = null

function requireLive(): Live {
  if (live === null) throw new Error('startLive first')
  return live
}

/** A stage as the app builds it: a MediaStream video (like the avatar's) keyed over a coloured background. */
async function startLive(input: {
  screen: Rgb3
  background: string
  chromaKey?: Partial<ChromaKeySettings>
}) {
  live?.stopSource()
  live?.compositor.destroy()
  const stage = createStage('live', FRAME_WIDTH, FRAME_HEIGHT)
  createBackgroundLayer(stage.background, () => undefined).apply(
    { type: 'color', value: input.background, fallbackColor: input.background },
    (name) => name,
  )
  const source = frameCanvas(input.screen)
  let seed = 1
  let frame = 0
  const repaint = (): void => {
    seed += 1
    paintInto(source, input.screen, seed)
    frame = requestAnimationFrame(repaint)
  }
  frame = requestAnimationFrame(repaint)
  stage.video.srcObject = source.captureStream(30)
  await stage.video.play()

  const chromaKey = ChromaKeySettingsSchema.parse(input.chromaKey ?? {})
  const modes: string[] = []
  const compositor = createCompositor({
    video: stage.video,
    canvas: stage.canvas,
    options: { chromaKey, placement: AvatarPlacementSchema.parse({}) },
    onModeChange: (mode, reason) => modes.push(`${mode}: ${reason}`),
  })
  const gl = stage.canvas.getContext('webgl2')
  live = {
    stage,
    compositor,
    chromaKey,
    modes,
    loseContext: gl?.getExtension('WEBGL_lose_context') ?? null,
    stopSource: () => cancelAnimationFrame(frame),
  }
}

function liveState() {
  const { compositor, modes, stage } = requireLive()
  return {
    mode: compositor.mode,
    modes: [...modes],
    keyColor: compositor.keyColor,
    videoVisibility: getComputedStyle(stage.video).visibility,
    canvasVisibility: getComputedStyle(stage.canvas).visibility,
    videoPlaying: !stage.video.paused && stage.video.readyState >= 2,
  }
}

function updateLive(chromaKey: Partial<ChromaKeySettings>): void {
  const current = requireLive()
  current.chromaKey = ChromaKeySettingsSchema.parse({ ...current.chromaKey, ...chromaKey })
  current.compositor.update({ chromaKey: current.chromaKey })
}

function loseContext(): boolean {
  const extension = requireLive().loseContext
  extension?.loseContext()
  return extension !== null
}

function restoreContext(): void {
  requireLive().loseContext?.restoreContext()
}

/** Decodes a PNG (a Playwright screenshot) into RGBA rows. */
async function decodePng(base64: string) {
  const image = new Image()
  image.src = `data:image/png;base64,${base64}`
  await image.decode()
  const canvas = document.createElement('canvas')
  canvas.width = image.naturalWidth
  canvas.height = image.naturalHeight
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('no 2d context')
  context.drawImage(image, 0, 0)
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
  return { width: canvas.width, height: canvas.height, pixels: Array.from(data) }
}

let background: { layer: BackgroundLayer; stage: Stage; fallbacks: string[] } | null = null

/** Applies one setting, or several in the same task (as a quick succession of settings changes would). */
function applyBackground(settings: unknown): void {
  if (background === null) {
    const stage = createStage('background', 320, 180)
    const fallbacks: string[] = []
    background = {
      stage,
      fallbacks,
      layer: createBackgroundLayer(stage.background, (reason) => fallbacks.push(reason)),
    }
  }
  for (const setting of Array.isArray(settings) ? settings : [settings]) {
    background.layer.apply(
      BackgroundSettingsSchema.parse(setting),
      (name) => `./backgrounds/${encodeURIComponent(name)}`,
    )
  }
}

function backgroundState() {
  if (background === null) throw new Error('applyBackground first')
  const container = background.stage.background
  const media = container.firstElementChild
  const computed = getComputedStyle(container)
  return {
    fallbacks: [...background.fallbacks],
    backgroundColor: computed.backgroundColor,
    backgroundImage: computed.backgroundImage,
    childCount: container.childElementCount,
    media:
      media instanceof HTMLImageElement
        ? {
            tag: 'img',
            visible: media.style.visibility !== 'hidden',
            width: media.naturalWidth,
            src: media.src,
          }
        : media instanceof HTMLVideoElement
          ? {
              tag: 'video',
              visible: media.style.visibility !== 'hidden',
              width: media.videoWidth,
              src: media.src,
              currentTime: media.currentTime,
              paused: media.paused,
              loop: media.loop,
              muted: media.muted,
            }
          : null,
  }
}

function destroyBackground(): void {
  background?.layer.destroy()
}

const harness = {
  keyStill,
  startLive,
  liveState,
  updateLive,
  loseContext,
  restoreContext,
  decodePng,
  applyBackground,
  backgroundState,
  destroyBackground,
  cspViolations: () => [...cspViolations],
  webgl2: () => document.createElement('canvas').getContext('webgl2') !== null,
  bench: runChromaBench,
  startLoad,
  stopLoad,
  loadFrames,
}

export type ChromaHarness = typeof harness
;(globalThis as unknown as { chromaHarness: ChromaHarness }).chromaHarness = harness
document.documentElement.dataset.ready = 'true'
