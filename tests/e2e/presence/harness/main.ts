import { z } from 'zod'
import { openCamera } from '../../../../src/renderer/src/presence/camera'
import {
  startFacePresence,
  type FaceFrameResult,
  type FacePresence,
} from '../../../../src/renderer/src/presence/face-presence'

/** Drives the real camera-wake module for tests/e2e/face-presence.spec.ts and scripts/bench/presence.ts. */

// As in the kiosk's main.ts: the page's CSP forbids the eval zod would otherwise compile parsers with.
z.config({ jitless: true })

export interface PresenceEvent {
  seen: boolean
  atMs: number
}

export interface PresenceHarness {
  /** Starts camera wake; resolves once the camera is open and the detector has loaded. */
  start(options: { fps: number; minScore?: number }): Promise<void>
  /** The baseline for the bench: the same camera stream playing, with no detector. */
  openCameraOnly(): Promise<void>
  stop(): void
  /** Whether every camera track has ended (after stop). */
  cameraStopped(): boolean
  /** The detector's TensorFlow.js backend, once started. */
  backend?: string
  events: PresenceEvent[]
  frames: FaceFrameResult[]
  logs: string[]
}

let presence: FacePresence | undefined
let baseline: { stream: MediaStream; video: HTMLVideoElement } | undefined
let lastStream: MediaStream | undefined
const started = performance.now()

const harness: PresenceHarness = {
  events: [],
  frames: [],
  logs: [],
  async start({ fps, minScore }) {
    presence = await startFacePresence({
      fps,
      ...(minScore === undefined ? {} : { minScore }),
      onPresence: (seen) => harness.events.push({ seen, atMs: performance.now() - started }),
      onFrame: (frame) => harness.frames.push(frame),
      log: (level, message, context) =>
        harness.logs.push(`${level} ${message} ${JSON.stringify(context ?? {})}`),
    })
    lastStream = presence.stream
    harness.backend = presence.backend
  },
  async openCameraOnly() {
    const stream = await openCamera()
    const video = document.createElement('video')
    video.muted = true
    video.srcObject = stream
    await video.play()
    baseline = { stream, video }
    lastStream = stream
  },
  stop() {
    presence?.stop()
    presence = undefined
    if (baseline) {
      baseline.video.srcObject = null
      baseline.stream.getTracks().forEach((track) => track.stop())
      baseline = undefined
    }
  },
  cameraStopped: () => lastStream?.getTracks().every((track) => track.readyState === 'ended') ?? false,
}

Object.assign(window, { presenceHarness: harness })
document.documentElement.dataset['ready'] = 'true'
