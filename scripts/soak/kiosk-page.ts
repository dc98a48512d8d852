import type { Browser, CDPSession, Page } from '@playwright/test'
import { instrumentMediaObjects, mediaCounts, type MediaCounts } from '../../tests/e2e/support/media-counts'

/**
 * Lets the soak decide when the visitor speaks: Chromium's fake microphone loops its file for ever, so every
 * audio track the page gets is kept, and disabled (silence) unless the soak turns it on.
 */
function gateMicrophone(): void {
  const tracks: MediaStreamTrack[] = []
  let speaking = false
  const native = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await native(constraints)
    for (const track of stream.getAudioTracks()) {
      track.enabled = speaking
      tracks.push(track)
    }
    return stream
  }
  ;(window as unknown as { __soakSpeak: (on: boolean) => number }).__soakSpeak = (on) => {
    speaking = on
    const live = tracks.filter((track) => track.readyState === 'live')
    tracks.splice(0, tracks.length, ...live)
    for (const track of live) track.enabled = on
    return live.length
  }
}

/** The kiosk page in Chromium, as visitors meet it: opened, reloaded, closed, spoken to. */
export class KioskPage {
  private page: Page | undefined
  private cdp: CDPSession | undefined

  constructor(
    private readonly browser: Browser,
    private readonly url: string,
    private readonly onError: (source: string, message: string) => void,
  ) {}

  get isOpen(): boolean {
    return this.page !== undefined && !this.page.isClosed()
  }

  async open(): Promise<void> {
    if (this.isOpen) return
    const page = await this.browser.newPage()
    page.on('pageerror', (error) => this.onError('page', error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') this.onError('console', message.text())
    })
    await page.addInitScript(instrumentMediaObjects)
    await page.addInitScript(gateMicrophone)
    this.page = page
    this.cdp = await page.context().newCDPSession(page)
    await this.cdp.send('Performance.enable')
    await page.goto(this.url)
  }

  async reload(): Promise<void> {
    if (!this.isOpen) return this.open()
    await this.page!.reload()
  }

  async close(): Promise<void> {
    const page = this.page
    this.page = undefined
    this.cdp = undefined
    await page?.close({ runBeforeUnload: true })
  }

  /** The session the page shows live, if it is live. */
  async liveSession(): Promise<string | undefined> {
    if (!this.isOpen) return undefined
    try {
      return await this.page!.evaluate(() => {
        const { sessionState, sessionId } = document.documentElement.dataset
        return sessionState === 'live' ? sessionId : undefined
      })
    } catch {
      // Mid-navigation: no answer is no live session.
      return undefined
    }
  }

  /** Returns how many live microphone tracks it reached (0: the page has not asked for the microphone yet). */
  async speak(on: boolean): Promise<number> {
    if (!this.isOpen) return 0
    try {
      return await this.page!.evaluate(
        (value) => (window as unknown as { __soakSpeak: (on: boolean) => number }).__soakSpeak(value),
        on,
      )
    } catch {
      return 0
    }
  }

  /** Used JS heap after a full collection, in MB: what the page keeps, not what it has yet to collect. */
  async heapMb(): Promise<number | undefined> {
    if (!this.isOpen || !this.cdp) return undefined
    try {
      await this.cdp.send('HeapProfiler.collectGarbage')
      const { metrics } = await this.cdp.send('Performance.getMetrics')
      const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value
      return used === undefined ? undefined : Math.round((used / 1024 / 1024) * 10) / 10
    } catch {
      return undefined
    }
  }

  async mediaCounts(): Promise<MediaCounts | undefined> {
    if (!this.isOpen) return undefined
    try {
      return await mediaCounts(this.page!)
    } catch {
      return undefined
    }
  }
}
