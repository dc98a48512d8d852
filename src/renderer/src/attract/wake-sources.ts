import type { Log } from '../log'
import type { WakeSource } from './presence-controller'

/** A running detector; `stop()` releases its device. */
export interface Detector {
  stop(): Promise<void>
}

export interface WakeSourcesDeps {
  startVoice(onPresence: () => void): Promise<Detector>
  onWake(source: 'voice'): void
  log: Log
}

/**
 * The detectors that listen for a visitor while the attract screen shows (touch needs none; the camera has its
 * own watch, see camera-watch.ts). They run only when the settings turn them on, and not while a session is
 * wanted: a live session has its own ears.
 */
export class WakeSources {
  private running: Promise<Detector | undefined>[] = []
  private armedFor = ''

  constructor(private readonly deps: WakeSourcesDeps) {}

  arm(wake: Record<WakeSource, boolean>): void {
    const key = `${wake.voice}`
    if (this.running.length > 0 && key === this.armedFor) return
    this.disarm()
    this.armedFor = key
    if (wake.voice) this.running.push(this.launch('voice', this.deps.startVoice))
  }

  disarm(): void {
    const running = this.running
    this.running = []
    this.armedFor = ''
    for (const detector of running) void detector.then((started) => started?.stop())
  }

  private launch(
    source: 'voice',
    start: (onPresence: () => void) => Promise<Detector>,
  ): Promise<Detector | undefined> {
    return start(() => this.deps.onWake(source)).catch((error: unknown) => {
      // Touch still wakes the kiosk; the operator finds the cause in the log (and in diagnostics).
      this.deps.log('warn', `${source} wake unavailable`, { error: String(error) })
      return undefined
    })
  }
}
