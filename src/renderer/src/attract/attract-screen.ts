import type { Settings } from '../../../shared/settings/schema'
import { releaseMedia } from '../background'
import { showLine } from './notices'
import { privacyLine } from './privacy-line'

export type AttractScreenKind = 'attract' | 'closed' | 'budget'

/**
 * Visitors see a calm "closed for today" when the daily budget is spent: what the kiosk costs is the operator's
 * business, and the admin panel says why.
 */
export const BUDGET_SCREEN_TEXT = 'We are closed for the rest of today. See you soon!'
/** For a closed screen whose text the operator emptied: never a blank screen. */
export const CLOSED_FALLBACK_TEXT = 'We are closed right now. See you soon!'

export interface AttractScreenDeps {
  /** A backgrounds-folder file name to the URL the page loads it from (as main.ts resolves backgrounds). */
  resolveMediaUrl(name: string): string
}

/** Which wake detectors run on the attract screen, when the caller knows better than the settings. */
export interface AttractSensors {
  micInUse: boolean
  cameraInUse: boolean
}

/**
 * The screen shown while no session is open: the operator's invitation over the page's background (text, an
 * image or a muted looping video) with the AI notice below, or the closed screen. It is a transparent layer,
 * so the background layer beneath stays drawn; a media file that cannot be shown falls back to the text.
 * `<html data-attract>` is 'on' while it shows and 'off' otherwise.
 */
export class AttractScreen {
  private readonly container: HTMLElement
  private readonly mediaSlot: HTMLElement
  private readonly message: HTMLElement
  private readonly aiNotice: HTMLElement
  private readonly privacy: HTMLElement
  private media: HTMLImageElement | HTMLVideoElement | null = null
  private mediaUrl = ''
  /** Bumped whenever the media changes, so a late error from a replaced file is ignored. */
  private generation = 0
  private sensors: AttractSensors | undefined

  constructor(
    root: HTMLElement,
    private readonly deps: AttractScreenDeps,
  ) {
    this.container = document.createElement('section')
    this.container.className = 'attract'
    this.container.setAttribute('aria-live', 'polite')
    this.mediaSlot = document.createElement('div')
    this.mediaSlot.className = 'attract__media'
    this.message = document.createElement('h1')
    this.message.className = 'attract__message'
    const notices = document.createElement('div')
    notices.className = 'attract__notices'
    this.aiNotice = document.createElement('p')
    this.aiNotice.className = 'attract__ai-notice'
    this.privacy = document.createElement('p')
    this.privacy.className = 'attract__privacy'
    notices.append(this.aiNotice, this.privacy)
    this.container.append(this.mediaSlot, this.message, notices)
    this.container.hidden = true
    root.append(this.container)
    document.documentElement.dataset.attract = 'off'
  }

  /**
   * Which wake detectors really run (the microphone may be denied); until told, the attract screen assumes the
   * ones the settings enable, which errs on the side of saying too much.
   */
  setSensors(sensors: AttractSensors | undefined): void {
    this.sensors = sensors
  }

  show(kind: AttractScreenKind, settings: Settings): void {
    const root = document.documentElement
    root.dataset.attract = 'on'
    root.dataset.attractKind = kind
    this.container.dataset.kind = kind
    this.container.hidden = false

    if (kind === 'attract') {
      const screen = settings.attract.screen
      showLine(this.message, screen.text)
      if ((screen.kind === 'image' || screen.kind === 'video') && screen.media !== '') {
        this.showMedia(screen.kind, screen.media)
      } else {
        this.removeMedia()
      }
      showLine(this.aiNotice, settings.notices.aiDisclosure)
      const sensors = this.sensors ?? {
        micInUse: settings.attract.wake.voice,
        cameraInUse: settings.attract.wake.camera,
      }
      showLine(
        this.privacy,
        settings.notices.privacyLine
          ? privacyLine({ screen: 'asleep', mode: 'provider', logTranscripts: false, ...sensors })
          : '',
      )
      return
    }

    // Closed (or out of budget): nothing listens and nobody talks to an AI here, so there is nothing to disclose.
    this.removeMedia()
    showLine(
      this.message,
      kind === 'closed' ? settings.schedule.closedText || CLOSED_FALLBACK_TEXT : BUDGET_SCREEN_TEXT,
    )
    showLine(this.aiNotice, '')
    showLine(this.privacy, '')
  }

  hide(): void {
    // A hidden looping video would keep decoding for nothing.
    this.removeMedia()
    this.container.hidden = true
    document.documentElement.dataset.attract = 'off'
    delete document.documentElement.dataset.attractKind
  }

  private showMedia(kind: 'image' | 'video', name: string): void {
    let url: string
    try {
      url = this.deps.resolveMediaUrl(name)
    } catch {
      this.fallBackToText()
      return
    }
    const current = this.media instanceof HTMLVideoElement ? 'video' : this.media ? 'image' : ''
    if (current === kind && this.mediaUrl === url) return
    this.removeMedia()
    const token = this.generation
    const failed = (): void => {
      if (token === this.generation) this.fallBackToText()
    }
    const media = kind === 'image' ? this.createImage(url, failed) : this.createVideo(url, failed)
    media.classList.add('attract__media-file')
    this.media = media
    this.mediaUrl = url
    // The text stays until the file has pixels: never a blank screen while it loads or if it never does.
    this.container.dataset.media = 'loading'
    this.mediaSlot.append(media)
  }

  private createImage(url: string, failed: () => void): HTMLImageElement {
    const image = document.createElement('img')
    image.alt = ''
    image.decoding = 'async'
    image.draggable = false
    const token = this.generation
    image.addEventListener('load', () => (image.naturalWidth > 0 ? this.mediaReady(token) : failed()), {
      once: true,
    })
    image.addEventListener('error', failed, { once: true })
    image.src = url
    return image
  }

  private createVideo(url: string, failed: () => void): HTMLVideoElement {
    const video = document.createElement('video')
    video.muted = true
    video.defaultMuted = true
    video.loop = true
    video.autoplay = true
    video.playsInline = true
    video.disablePictureInPicture = true
    video.disableRemotePlayback = true
    const token = this.generation
    video.addEventListener('loadeddata', () => this.mediaReady(token), { once: true })
    video.addEventListener('error', failed, { once: true })
    video.src = url
    video.play().catch((error: unknown) => {
      // Hiding or replacing the video aborts play(): not a fault of the file.
      if (error instanceof DOMException && error.name === 'AbortError') return
      failed()
    })
    return video
  }

  private mediaReady(token: number): void {
    if (token === this.generation) this.container.dataset.media = 'shown'
  }

  private fallBackToText(): void {
    this.removeMedia()
    this.container.dataset.media = 'failed'
  }

  private removeMedia(): void {
    this.generation += 1
    delete this.container.dataset.media
    const media = this.media
    if (!media) return
    releaseMedia(media)
    this.media = null
    this.mediaUrl = ''
  }
}
