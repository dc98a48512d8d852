import * as faceapi from '@vladmandic/face-api'
import { z } from 'zod'
import { FaceWorkerRequestSchema, type FaceWorkerReply, type FaceWorkerRequest } from './face-protocol'

/**
 * The camera-wake face detector, off the page's thread: face-api's tiny face detector (weights from our own
 * origin, shipped in the @vladmandic/face-api npm package) on TensorFlow.js. It answers "face or no face" per
 * frame and forgets the frame at once: the bitmap is closed and no pixels are kept or sent.
 *
 * Backends, in order: WebGL on an OffscreenCanvas (the kiosk's GPU; a few ms a frame), else the CPU backend
 * (plain JavaScript, far slower but works everywhere). Neither needs anything from the CSP: no eval, no
 * WebAssembly, no files beyond the weights. face-api's WebAssembly backend would need binaries its package
 * does not ship. See `npm run bench -- presence` for the cost.
 */
const BACKENDS = ['webgl', 'cpu'] as const

// zod compiles parsers with `new Function` unless told not to; the kiosk's CSP forbids eval in workers too.
z.config({ jitless: true })

/**
 * Side of the square the detector scales frames to (a multiple of 32). A visitor walking up to a kiosk is a big
 * face, so the smallest useful size keeps the CPU cost per frame low; 224 would cost about twice as much.
 */
const INPUT_SIZE = 160
const MODEL_NAME = 'tiny_face_detector_model'

interface WorkerScope {
  postMessage(message: FaceWorkerReply): void
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void
}
const scope = globalThis as unknown as WorkerScope

/** What face-api's bundled TensorFlow.js has at runtime beyond its published types. */
const tf = faceapi.tf as typeof faceapi.tf & {
  setBackend(name: string): Promise<boolean>
  ready(): Promise<void>
  getBackend(): string
}

const WeightsManifestSchema = z
  .array(
    z.object({
      paths: z.array(z.string().regex(/^[\w.-]+$/)).min(1),
      weights: z
        .array(
          z
            .object({
              name: z.string(),
              shape: z.array(z.number().int().nonnegative()),
              dtype: z.enum(['float32', 'int32', 'bool']),
            })
            .loose(),
        )
        .min(1),
    }),
  )
  .min(1)

/** Never matches: a worker has no <img> or <video>, only tensors and OffscreenCanvas. */
class NoElement {}

/**
 * face-api picks its environment from globals at import and finds neither a window nor Node in a worker; this
 * is the worker's environment. Only tensors reach the detector, so the element types only have to exist.
 */
function installWorkerEnvironment(): void {
  const noFiles = () => {
    throw new Error('the face worker has no file system')
  }
  const noElements = () => {
    throw new Error('the face worker has no DOM elements')
  }
  faceapi.env.setEnv({
    Canvas: OffscreenCanvas as unknown as typeof HTMLCanvasElement,
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D as unknown as typeof CanvasRenderingContext2D,
    Image: NoElement as unknown as typeof HTMLImageElement,
    Video: NoElement as unknown as typeof HTMLVideoElement,
    ImageData,
    createCanvasElement: () => new OffscreenCanvas(1, 1) as unknown as HTMLCanvasElement,
    createImageElement: noElements,
    createVideoElement: noElements,
    fetch: (url, init) => fetch(url, init),
    readFile: noFiles,
  })
}

/** The first backend that starts: setBackend resolves false (or throws) when one cannot initialise here. */
async function startBackend(): Promise<void> {
  const failures: string[] = []
  for (const backend of BACKENDS) {
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready()
        return
      }
      failures.push(`${backend}: did not start`)
    } catch (error) {
      failures.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  throw new Error(`no TensorFlow.js backend started (${failures.join('; ')})`)
}

/** One detection on a blank frame: WebGL compiles its shaders on first use, which must not delay a wake. */
async function warmUp(): Promise<void> {
  const blank = tf.zeros([240, 320, 3]) as Parameters<typeof faceapi.nets.tinyFaceDetector.locateFaces>[0]
  try {
    await faceapi.nets.tinyFaceDetector.locateFaces(blank, { inputSize: INPUT_SIZE, scoreThreshold: 0.5 })
  } finally {
    ;(blank as { dispose(): void }).dispose()
  }
}

async function loadDetector(modelUrl: string): Promise<void> {
  installWorkerEnvironment()
  await startBackend()
  // Our own loading: face-api's loadFromUri mangles non-http URLs such as the kiosk's app:// origin.
  const base = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`
  const response = await fetch(new URL(`${MODEL_NAME}-weights_manifest.json`, base))
  if (!response.ok) throw new Error(`face model manifest: HTTP ${response.status}`)
  const manifest = WeightsManifestSchema.parse(await response.json())
  const weights = await tf.io.loadWeights(manifest, base)
  faceapi.nets.tinyFaceDetector.loadFromWeightMap(weights)
  await warmUp()
}

async function detect(
  bitmap: ImageBitmap,
  minScore: number,
): Promise<Omit<FaceWorkerReply & { type: 'result' }, 'id'>> {
  const started = performance.now()
  const { width, height } = bitmap
  // A canvas per frame, dropped after reading: nothing in the worker holds the last picture.
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })
  if (!context) throw new Error('no 2D context for the camera frame')
  context.drawImage(bitmap, 0, 0)
  bitmap.close()
  const input = tf.browser.fromPixels(context.getImageData(0, 0, width, height))
  try {
    const detections = await faceapi.nets.tinyFaceDetector.locateFaces(input, {
      inputSize: INPUT_SIZE,
      scoreThreshold: minScore,
    })
    const best = detections.reduce<faceapi.FaceDetection | undefined>(
      (top, detection) => (top === undefined || detection.score > top.score ? detection : top),
      undefined,
    )
    const ms = performance.now() - started
    if (best === undefined) return { type: 'result', face: false, score: 0, ms }
    const { x, y, width: boxWidth, height: boxHeight } = best.relativeBox
    return {
      type: 'result',
      face: true,
      score: best.score,
      box: { x, y, width: boxWidth, height: boxHeight },
      ms,
    }
  } finally {
    input.dispose()
  }
}

let minScore = 0.5
let loading: Promise<void> | undefined

async function handle(request: FaceWorkerRequest): Promise<void> {
  if (request.type === 'init') {
    minScore = request.minScore
    loading = loadDetector(request.modelUrl)
    await loading
    scope.postMessage({ type: 'ready', backend: tf.getBackend() })
    return
  }
  if (loading === undefined) {
    request.bitmap.close()
    throw new Error('frame before init')
  }
  await loading
  scope.postMessage({ ...(await detect(request.bitmap, minScore)), id: request.id })
}

scope.addEventListener('message', (event) => {
  const parsed = FaceWorkerRequestSchema.safeParse(event.data)
  if (!parsed.success) {
    const stray = (event.data as { bitmap?: unknown } | null)?.bitmap
    if (stray instanceof ImageBitmap) stray.close()
    scope.postMessage({ type: 'error', message: `bad message to the face worker: ${parsed.error.message}` })
    return
  }
  const request = parsed.data
  handle(request).catch((error: unknown) => {
    if (request.type === 'frame') request.bitmap.close()
    scope.postMessage({
      type: 'error',
      ...(request.type === 'frame' ? { id: request.id } : {}),
      message: error instanceof Error ? error.message : String(error),
    })
  })
})
