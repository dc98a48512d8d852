import type { Log } from '../log'
import { openCamera } from './camera'
import { FaceWorkerReplySchema, type FaceWorkerReply, type FaceWorkerRequest } from './face-protocol'
import { createPresenceDebounce } from './presence-debounce'

export interface FacePresenceOptions {
  /** Frames analysed per second; a few are enough to notice someone walking up. */
  fps?: number
  /** Called with true when a visitor is seen, and with false about 3 s after the last face. */
  onPresence(seen: boolean): void
  log: Log
  /** The detector's score a face needs to count (0..1). */
  minScore?: number
  /** Every analysed frame's verdict, for diagnostics and tests (the frame itself is already gone). */
  onFrame?(frame: FaceFrameResult): void
}

export interface FaceFrameResult {
  face: boolean
  /** The best detection's score, 0 when there was none. */
  score: number
  /** The detector's time for this frame in the worker. */
  ms: number
}

export interface FacePresence {
  /** Stops the frame loop, the worker and the camera. Safe to call more than once. */
  stop(): void
  /** The camera stream, for a diagnostics preview; it stops with `stop()`. */
  readonly stream: MediaStream
  /** The TensorFlow.js backend the detector runs on: 'webgl' (GPU) or 'cpu'. */
  readonly backend: string
}

export const FACE_PRESENCE_DEFAULTS = {
  fps: 3,
  minScore: 0.5,
  /** Two frames in a row, about 0.3-0.7 s at 3 fps: one stray detection does not wake the kiosk. */
  framesToSee: 2,
  goneAfterMs: 3000,
  /**
   * Loading the detector in the worker: about 200 kB of weights from our own origin, then one warm-up detection,
   * in which WebGL compiles its shaders (seconds with a software renderer on a busy machine).
   */
  readyTimeoutMs: 60_000,
} as const

/** The detector's files are copied into `face/` at build (electron.vite.config.ts); absolute, as for the VAD. */
const modelUrl = () => new URL('./face/', document.baseURI).href

function validFps(fps: number): number {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 30)
    throw new RangeError(`fps must be in (0, 30], got ${fps}`)
  return fps
}

function validScore(score: number): number {
  if (!Number.isFinite(score) || score < 0 || score > 1)
    throw new RangeError(`minScore must be in [0, 1], got ${score}`)
  return score
}

function startWorker(minScore: number, log: Log): Promise<{ worker: Worker; backend: string }> {
  const worker = new Worker(new URL('./face-worker.ts', import.meta.url), {
    type: 'module',
    name: 'face-presence',
  })
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer)
      worker.terminate()
      reject(error)
    }
    const timer = setTimeout(
      () =>
        fail(new Error(`the face detector did not load within ${FACE_PRESENCE_DEFAULTS.readyTimeoutMs} ms`)),
      FACE_PRESENCE_DEFAULTS.readyTimeoutMs,
    )
    worker.onerror = (event) => fail(new Error(`the face detector failed to start: ${event.message}`))
    worker.onmessage = (event: MessageEvent<unknown>) => {
      const reply = FaceWorkerReplySchema.safeParse(event.data)
      if (!reply.success)
        return fail(new Error(`the face detector sent a bad message: ${reply.error.message}`))
      if (reply.data.type === 'error')
        return fail(new Error(`the face detector failed to load: ${reply.data.message}`))
      if (reply.data.type === 'ready') {
        clearTimeout(timer)
        log('info', 'face detector ready', { backend: reply.data.backend })
        resolve({ worker, backend: reply.data.backend })
      }
    }
    const init: FaceWorkerRequest = { type: 'init', modelUrl: modelUrl(), minScore }
    worker.postMessage(init)
  })
}

async function playHidden(stream: MediaStream): Promise<HTMLVideoElement> {
  // Never attached to the page: it only exists to turn the stream into frames.
  const video = document.createElement('video')
  video.muted = true
  video.playsInline = true
  video.srcObject = stream
  await video.play()
  return video
}

/**
 * Camera wake: watches for a face a few times a second with an on-device detector in a worker. Frames go from
 * the camera to the worker as transferred bitmaps and are closed there after one look; nothing is stored,
 * drawn on the page or sent anywhere. Throws a CameraError when the camera is denied, missing or busy.
 */
export async function startFacePresence(options: FacePresenceOptions): Promise<FacePresence> {
  const fps = validFps(options.fps ?? FACE_PRESENCE_DEFAULTS.fps)
  const minScore = validScore(options.minScore ?? FACE_PRESENCE_DEFAULTS.minScore)
  const { log } = options
  const stream = await openCamera()
  const stopCamera = () => stream.getTracks().forEach((track) => track.stop())
  let worker: Worker
  let backend: string
  let video: HTMLVideoElement
  try {
    ;[{ worker, backend }, video] = await Promise.all([startWorker(minScore, log), playHidden(stream)])
  } catch (error) {
    stopCamera()
    throw error
  }

  const debounce = createPresenceDebounce({
    framesToSee: FACE_PRESENCE_DEFAULTS.framesToSee,
    goneAfterMs: FACE_PRESENCE_DEFAULTS.goneAfterMs,
    onPresence: (seen) => {
      log('info', seen ? 'face presence: seen' : 'face presence: gone')
      options.onPresence(seen)
    },
  })
  let stopped = false
  let nextId = 0
  // One frame at a time: if the detector falls behind, frames are skipped, never queued.
  let inFlight: number | undefined
  let lastErrorLogged = 0

  const onReply = (reply: FaceWorkerReply) => {
    if (reply.type === 'ready') return
    if (reply.id !== undefined && reply.id === inFlight) inFlight = undefined
    if (reply.type === 'error') {
      // At a few frames per second a persistent fault would flood the log: once a minute is enough.
      if (performance.now() - lastErrorLogged > 60_000) {
        lastErrorLogged = performance.now()
        log('warn', 'face detector error', { message: reply.message })
      }
      return
    }
    options.onFrame?.({ face: reply.face, score: reply.score, ms: reply.ms })
    debounce.observe(reply.face)
  }
  worker.onmessage = (event: MessageEvent<unknown>) => {
    const reply = FaceWorkerReplySchema.safeParse(event.data)
    if (reply.success) onReply(reply.data)
    else log('warn', 'face detector sent a bad message', { message: reply.error.message })
  }
  worker.onerror = (event) => log('error', 'face detector crashed', { message: event.message })

  const grab = async () => {
    if (stopped || inFlight !== undefined || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return
    const id = nextId++
    inFlight = id
    try {
      const bitmap = await createImageBitmap(video)
      if (stopped) {
        bitmap.close()
        return
      }
      const request: FaceWorkerRequest = { type: 'frame', id, bitmap }
      worker.postMessage(request, [bitmap])
    } catch (error) {
      inFlight = undefined
      log('warn', 'could not grab a camera frame', {
        message: error instanceof Error ? error.message : String(error),
      })
    }
  }
  const timer = setInterval(() => void grab(), 1000 / fps)

  for (const track of stream.getVideoTracks()) {
    track.addEventListener('ended', () => {
      if (!stopped) log('error', 'the camera stopped', { label: track.label })
    })
  }
  log('info', 'face presence started', { fps, minScore, backend })

  return {
    stream,
    backend,
    stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      debounce.dispose()
      worker.terminate()
      video.srcObject = null
      stopCamera()
      log('info', 'face presence stopped')
    },
  }
}
