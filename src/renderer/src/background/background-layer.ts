import type { BackgroundSettings } from '../../../shared/settings/chroma'

export interface BackgroundLayer {
  /**
   * Shows a background, replacing the previous one; callable at any time. Files are loaded from
   * `resolveFileUrl(value)`. Re-applying the same file keeps it (a video keeps playing).
   */
  apply(setting: BackgroundSettings, resolveFileUrl: (fileName: string) => string): void
  destroy(): void
}

/**
 * The scene behind the avatar, drawn into `container` (a positioned element filling the stage). The fallback
 * colour is always painted underneath, so it shows while a file loads; a file that is missing or cannot be
 * decoded is removed, leaving that colour, and `onFallback` says why.
 */
/** Stops an image or video loading or playing, frees a video's decoder, and takes the element off the page. */
export function releaseMedia(media: HTMLImageElement | HTMLVideoElement): void {
  if (media instanceof HTMLVideoElement) {
    media.pause()
    media.removeAttribute('src')
    media.load() // releases the decoder
  } else {
    media.removeAttribute('src')
  }
  media.remove()
}

export function createBackgroundLayer(
  container: HTMLElement,
  onFallback: (reason: string) => void,
): BackgroundLayer {
  let media: HTMLImageElement | HTMLVideoElement | null = null
  let mediaUrl = ''
  // Bumped whenever the shown background changes, so late events from a replaced file are ignored.
  let generation = 0
  let destroyed = false

  function removeMedia(): void {
    if (media === null) return
    releaseMedia(media)
    media = null
    mediaUrl = ''
  }

  function fallBack(token: number, reason: string): void {
    if (token !== generation || destroyed) return
    generation += 1
    removeMedia()
    onFallback(reason)
  }

  function show(token: number, element: HTMLElement): void {
    if (token === generation) element.style.visibility = ''
  }

  function fillStage(element: HTMLImageElement | HTMLVideoElement): void {
    const style = element.style
    style.position = 'absolute'
    style.left = '0'
    style.top = '0'
    style.width = '100%'
    style.height = '100%'
    style.objectFit = 'cover'
    style.pointerEvents = 'none'
    // Hidden until it has pixels: never a broken-image icon or an empty black video box.
    style.visibility = 'hidden'
  }

  function createImage(url: string, fileName: string, token: number): HTMLImageElement {
    const image = document.createElement('img')
    image.alt = ''
    image.decoding = 'async'
    image.draggable = false
    fillStage(image)
    const failed = (): void =>
      fallBack(
        token,
        `background image "${fileName}" could not be loaded: the file is missing or not a valid image`,
      )
    image.addEventListener('load', () => (image.naturalWidth > 0 ? show(token, image) : failed()), {
      once: true,
    })
    image.addEventListener('error', failed, { once: true })
    image.src = url
    return image
  }

  function createVideo(url: string, fileName: string, token: number): HTMLVideoElement {
    const video = document.createElement('video')
    video.muted = true
    video.defaultMuted = true
    video.loop = true
    video.autoplay = true
    video.playsInline = true
    video.preload = 'auto'
    video.disablePictureInPicture = true
    video.disableRemotePlayback = true
    fillStage(video)
    video.addEventListener('loadeddata', () => show(token, video), { once: true })
    video.addEventListener('error', () => {
      fallBack(
        token,
        `background video "${fileName}" could not be played: ${describeMediaError(video.error)}`,
      )
    })
    video.src = url
    video.play().catch((error: unknown) => {
      // A replaced or destroyed video rejects with AbortError: that is not a failure of the file.
      if (error instanceof DOMException && error.name === 'AbortError') return
      const detail = error instanceof Error ? error.message : String(error)
      fallBack(token, `background video "${fileName}" could not be played: ${detail}`)
    })
    return video
  }

  return {
    apply(setting, resolveFileUrl) {
      if (destroyed) return
      const style = container.style
      style.backgroundColor = setting.fallbackColor
      style.backgroundImage = ''

      if (setting.type === 'color' || setting.type === 'gradient') {
        generation += 1
        removeMedia()
        if (setting.type === 'color') {
          style.backgroundColor = setting.value
        } else {
          style.backgroundImage = setting.value
          // The browser drops a declaration it cannot parse, which leaves the property empty.
          if (style.backgroundImage === '')
            onFallback(`background gradient is not valid CSS: ${setting.value}`)
        }
        return
      }

      let url: string
      try {
        url = resolveFileUrl(setting.value)
      } catch (error) {
        generation += 1
        removeMedia()
        const detail = error instanceof Error ? error.message : String(error)
        onFallback(`background ${setting.type} "${setting.value}" has no URL: ${detail}`)
        return
      }
      const wanted =
        media instanceof HTMLVideoElement ? 'video' : media instanceof HTMLImageElement ? 'image' : ''
      if (wanted === setting.type && mediaUrl === url) return

      generation += 1
      removeMedia()
      media =
        setting.type === 'image'
          ? createImage(url, setting.value, generation)
          : createVideo(url, setting.value, generation)
      mediaUrl = url
      container.append(media)
    },

    destroy() {
      if (destroyed) return
      destroyed = true
      generation += 1
      removeMedia()
      container.style.backgroundColor = ''
      container.style.backgroundImage = ''
    },
  }
}

function describeMediaError(error: MediaError | null): string {
  switch (error?.code) {
    case MediaError.MEDIA_ERR_ABORTED:
      return 'loading was aborted'
    case MediaError.MEDIA_ERR_NETWORK:
      return 'a network error interrupted loading'
    case MediaError.MEDIA_ERR_DECODE:
      return `the file is corrupt (${error.message || 'decode error'})`
    case MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED:
      return `the file is missing or not a playable video (${error.message || 'unsupported source'})`
    default:
      return 'unknown media error'
  }
}
