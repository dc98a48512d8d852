/**
 * Turns per-frame "face / no face" into a steady presence signal. A single lucky frame must not wake the
 * kiosk, and a visitor who glances away for a moment must not put it to sleep: "seen" takes a face in
 * `framesToSee` consecutive frames, "gone" takes `goneAfterMs` without any face (about 3 s is kiosk practice).
 */
export interface PresenceDebounceOptions {
  framesToSee: number
  goneAfterMs: number
  onPresence(seen: boolean): void
}

export interface PresenceDebounce {
  /** One analysed frame. */
  observe(face: boolean): void
  readonly seen: boolean
  dispose(): void
}

export function createPresenceDebounce(options: PresenceDebounceOptions): PresenceDebounce {
  if (!Number.isInteger(options.framesToSee) || options.framesToSee < 1) {
    throw new RangeError(`framesToSee must be a whole number of at least 1, got ${options.framesToSee}`)
  }
  if (!(options.goneAfterMs > 0))
    throw new RangeError(`goneAfterMs must be positive, got ${options.goneAfterMs}`)
  let seen = false
  let consecutiveFaces = 0
  let goneTimer: ReturnType<typeof setTimeout> | undefined
  let disposed = false

  const clearGoneTimer = () => {
    if (goneTimer !== undefined) clearTimeout(goneTimer)
    goneTimer = undefined
  }
  // A timer rather than the next frame: if frames stop coming (a stalled camera or worker), presence still ends.
  const armGoneTimer = () => {
    clearGoneTimer()
    goneTimer = setTimeout(() => {
      goneTimer = undefined
      seen = false
      consecutiveFaces = 0
      options.onPresence(false)
    }, options.goneAfterMs)
  }

  return {
    observe(face) {
      if (disposed) return
      if (!face) {
        consecutiveFaces = 0
        return
      }
      consecutiveFaces += 1
      if (seen) {
        armGoneTimer()
      } else if (consecutiveFaces >= options.framesToSee) {
        seen = true
        armGoneTimer()
        options.onPresence(true)
      }
    },
    get seen() {
      return seen
    },
    dispose() {
      disposed = true
      clearGoneTimer()
    },
  }
}
