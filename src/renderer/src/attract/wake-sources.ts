import type { Log } from '../log'
import type { WakeSource } from './presence-controller'

/** A running detector; `stop()` releases its device. */
export interface Detector {
  stop(): Promise<void>
}

export interface WakeSourcesDeps {
  startVoice(onPresence: () => void): Promise<Detector>
  /** Undefined while this build has no camera detector: the camera setting then wakes nothing (and says so). */
  startCamera: ((onPresence: () => void) => Promise<Detector>) | undefined
  onWake(source: 'voice' | 'camera'): void
  log: Log
}

/**
 * The detectors that listen and look for a visitor while the attract screen shows (touch needs none). Only
 * those the settings turn on run, and none run while a session is wanted: a live session has its own ears.
 */
export class WakeSources {
  private running: Promise<Detector | undefined>[] = []
  private armedFor = ''

  constructor(private readonly deps: WakeSourcesDeps) {}

  arm(wake: Record<WakeSource, boolean>): void {
    const key = `${wake.voice} ${wake.camera}`
    if (this.running.length > 0 && key === this.armedFor) return
    this.disarm()
    this.armedFor = key
    if (wake.voice) this.running.push(this.launch('voice', this.deps.startVoice))
    if (wake.camera) {
      if (this.deps.startCamera) this.running.push(this.launch('camera', this.deps.startCamera))
      else
        this.deps.log('warn', 'camera wake is on, but this build has no face detector; touch and voice wake')
    }
  }

  disarm(): void {
    const running = this.running
    this.running = []
    this.armedFor = ''
    for (const detector of running) void detector.then((started) => started?.stop())
  }

  private launch(
    source: 'voice' | 'camera',
    start: (onPresence: () => void) => Promise<Detector>,
  ): Promise<Detector | undefined> {
    return start(() => this.deps.onWake(source)).catch((error: unknown) => {
      // Touch still wakes the kiosk; the operator finds the cause in the log (and in diagnostics).
      this.deps.log('warn', `${source} wake unavailable`, { error: String(error) })
      return undefined
    })
  }
}
