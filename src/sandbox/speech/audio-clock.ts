const TICK_MS = 10
/** After a long event-loop stall, catch up at most this much audio at once; the rest is skipped. */
const MAX_CATCH_UP_FRAMES = 25

/**
 * Calls `onFrame` once per `frameMs` of wall-clock time, catching up after timer jitter, so the encoder is
 * fed at real-time pace and its RTP timestamps stay continuous.
 */
export class AudioClock {
  private timer: NodeJS.Timeout | undefined
  private startedAt = 0
  private framesDone = 0

  constructor(
    private readonly onFrame: () => void,
    private readonly frameMs = 20,
  ) {}

  start(): void {
    if (this.timer) return
    this.startedAt = performance.now()
    this.framesDone = 0
    this.timer = setInterval(() => this.catchUp(), TICK_MS)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private catchUp(): void {
    const due = Math.floor((performance.now() - this.startedAt) / this.frameMs)
    if (due - this.framesDone > MAX_CATCH_UP_FRAMES) this.framesDone = due - MAX_CATCH_UP_FRAMES
    while (this.framesDone < due) {
      this.framesDone++
      this.onFrame()
    }
  }
}
