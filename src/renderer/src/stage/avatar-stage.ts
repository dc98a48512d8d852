import type { Settings } from '../../../shared/settings/schema'
import { createBackgroundLayer, type BackgroundLayer } from '../background'
import { createCompositor, type Compositor } from '../compositor'
import type { Log } from '../log'

export interface AvatarStageInit {
  media: HTMLElement
  background: HTMLElement
  display: Settings['display']
  stallSeconds: number
  /** Called when the live video has shown no new frame for `stallSeconds`. */
  onStall(): void
  resolveBackgroundUrl(fileName: string): string
  log: Log
}

/**
 * The avatar on screen: the stream in a <video>, keyed by the compositor over the background. Between sessions
 * the last picture stays up (the old stream is only replaced once the new one exists), so a reconnect or a
 * rotation is a brief pause, never a black screen.
 */
export class AvatarStage {
  readonly video: HTMLVideoElement
  private readonly canvas: HTMLCanvasElement
  private readonly compositor: Compositor
  private readonly background: BackgroundLayer
  private readonly tapToStart: HTMLButtonElement
  private stallMs: number
  private lastFrameAt = performance.now()
  private watching = false
  private readonly watchdog: ReturnType<typeof setInterval>

  constructor(private readonly init: AvatarStageInit) {
    this.stallMs = init.stallSeconds * 1000
    this.video = document.createElement('video')
    this.video.id = 'avatar-video'
    this.video.className = 'stage__video'
    this.video.playsInline = true
    this.video.autoplay = true
    this.canvas = document.createElement('canvas')
    this.canvas.id = 'avatar-canvas'
    this.canvas.className = 'stage__canvas'
    this.tapToStart = document.createElement('button')
    this.tapToStart.type = 'button'
    this.tapToStart.className = 'stage__tap-to-start'
    this.tapToStart.textContent = 'Tap to start'
    this.tapToStart.hidden = true
    this.tapToStart.addEventListener('click', () => void this.play())
    init.media.append(this.video, this.canvas, this.tapToStart)

    this.background = createBackgroundLayer(init.background, (reason) =>
      init.log('warn', 'background unavailable; showing its colour', { reason }),
    )
    this.compositor = createCompositor({
      video: this.video,
      canvas: this.canvas,
      options: { chromaKey: init.display.chromaKey, placement: init.display.placement },
      onModeChange: (mode, reason) => {
        document.documentElement.dataset.compositor = mode
        init.log('info', 'compositor mode', { mode, reason })
      },
    })
    this.applyDisplay(init.display)
    this.countFrames()
    this.watchdog = setInterval(() => this.checkForStall(), 1000)
  }

  /** Display settings apply live, without touching the session. */
  applyDisplay(display: Settings['display']): void {
    this.compositor.update({ chromaKey: display.chromaKey, placement: display.placement })
    this.background.apply(display.background, this.init.resolveBackgroundUrl)
    const orientation = window.innerHeight > window.innerWidth ? 'portrait' : 'landscape'
    this.video.style.objectFit = display.placement[orientation].fit
  }

  setStallSeconds(seconds: number): void {
    this.stallMs = seconds * 1000
  }

  /** Shows a new session's stream. The previous picture stays until this one has frames. */
  async show(stream: MediaStream): Promise<void> {
    this.lastFrameAt = performance.now()
    this.watching = true
    if (this.video.srcObject !== stream) this.video.srcObject = stream
    await this.play()
  }

  /** Between sessions: keep the last frame, stop judging the stream. */
  hold(): void {
    this.watching = false
  }

  /** No session at all (stopped, not configured): drop the picture. */
  clear(): void {
    this.watching = false
    this.video.srcObject = null
  }

  private async play(): Promise<void> {
    try {
      await this.video.play()
      this.tapToStart.hidden = true
    } catch (error) {
      // A plain browser blocks sound without a tap; Electron is configured not to.
      if ((error as DOMException).name === 'NotAllowedError') this.tapToStart.hidden = false
      else if ((error as DOMException).name !== 'AbortError')
        this.init.log('warn', 'video did not play', { error: String(error) })
    }
  }

  private countFrames(): void {
    const onFrame = () => {
      this.lastFrameAt = performance.now()
      this.video.requestVideoFrameCallback(onFrame)
    }
    this.video.requestVideoFrameCallback(onFrame)
  }

  private checkForStall(): void {
    if (!this.watching || this.video.paused) return
    if (performance.now() - this.lastFrameAt > this.stallMs) {
      this.watching = false
      this.init.onStall()
    }
  }

  destroy(): void {
    clearInterval(this.watchdog)
    this.compositor.destroy()
    this.background.destroy()
  }
}
