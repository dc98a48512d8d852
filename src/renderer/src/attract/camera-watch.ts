import type { Log } from '../log'
import type { FacePresence, FacePresenceOptions } from '../presence/face-presence'

export interface CameraWatchDeps {
  start(options: FacePresenceOptions): Promise<FacePresence>
  /** A visitor came into view (debounced): the moment to wake. */
  onSeen(): void
  /** A frame with a face: a visitor still there, which keeps a live session from falling asleep. */
  onFace(): void
  log: Log
}

/**
 * The face detector for camera wake. Unlike the microphone it keeps running while a session is live, because
 * a visitor who stands and reads without speaking is still a visitor; it runs only while the setting is on.
 */
export class CameraWatch {
  private running: Promise<FacePresence | undefined> | undefined

  constructor(private readonly deps: CameraWatchDeps) {}

  setEnabled(enabled: boolean): void {
    if (enabled && !this.running) {
      this.running = this.deps
        .start({
          onPresence: (seen) => {
            if (seen) this.deps.onSeen()
          },
          onFrame: (frame) => {
            if (frame.face) this.deps.onFace()
          },
          log: this.deps.log,
        })
        .catch((error: unknown) => {
          // Touch and voice still wake the kiosk; the operator finds the cause in the log and in diagnostics.
          this.deps.log('warn', 'camera wake unavailable', { error: String(error) })
          return undefined
        })
    } else if (!enabled && this.running) {
      const running = this.running
      this.running = undefined
      void running.then((presence) => presence?.stop())
    }
  }
}
