import type { Page } from '@playwright/test'

/** Epoch milliseconds of the moments after a wake, as the page saw them; NaN when one did not come in time. */
export interface WakeTiming {
  wakeAt: number
  firstFrameAt: number
  /** The first non-silent sample of the avatar's audio track (the sandbox's comfort noise is far below it). */
  greetingAudioAt: number
}

/**
 * Starts watching the page for the avatar's first video frame and first audible greeting sample; call it just
 * before the wake and await the result after. Works only for a stream that arrives after the call (the attract
 * screen has none), so a previous session's frames never count.
 */
export async function watchWake(page: Page, timeoutMs = 20_000): Promise<() => Promise<WakeTiming>> {
  // tsx (the benches) names inner functions with an `__name` helper the page lacks; Playwright's runner does not.
  await page.evaluate('globalThis.__name ??= (fn) => fn')
  await page.evaluate((timeout) => {
    const state = { firstFrameAt: Number.NaN, greetingAudioAt: Number.NaN, done: false }
    const watch = window as unknown as { __wakeTiming?: typeof state }
    watch.__wakeTiming = state
    const deadline = performance.now() + timeout
    let frameWatched: MediaStream | undefined
    let audioWatched: MediaStream | undefined
    let context: AudioContext | undefined
    let analyser: AnalyserNode | undefined
    const samples = new Float32Array(512)
    const tick = () => {
      const video = document.getElementById('avatar-video') as HTMLVideoElement | null
      const stream = video?.srcObject instanceof MediaStream ? video.srcObject : undefined
      if (video && stream && stream !== frameWatched && Number.isNaN(state.firstFrameAt)) {
        frameWatched = stream
        video.requestVideoFrameCallback((now) => (state.firstFrameAt = performance.timeOrigin + now))
      }
      if (stream && stream !== audioWatched && stream.getAudioTracks().length > 0) {
        audioWatched = stream
        context ??= new AudioContext()
        analyser = context.createAnalyser()
        analyser.fftSize = samples.length
        context.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser)
      }
      if (analyser && Number.isNaN(state.greetingAudioAt)) {
        analyser.getFloatTimeDomainData(samples)
        if (samples.some((sample) => Math.abs(sample) > 0.01))
          state.greetingAudioAt = performance.timeOrigin + performance.now()
      }
      const finished = !Number.isNaN(state.firstFrameAt) && !Number.isNaN(state.greetingAudioAt)
      if (finished || performance.now() > deadline) {
        state.done = true
        void context?.close()
        return
      }
      setTimeout(tick, 5)
    }
    tick()
  }, timeoutMs)
  return async () => {
    await page.waitForFunction(
      () => (window as unknown as { __wakeTiming?: { done: boolean } }).__wakeTiming?.done === true,
      undefined,
      { timeout: timeoutMs + 5_000, polling: 100 },
    )
    return page.evaluate(() => {
      const state = (window as unknown as { __wakeTiming: { firstFrameAt: number; greetingAudioAt: number } })
        .__wakeTiming
      const wake = performance.getEntriesByName('kiosk:wake').at(-1)
      return {
        wakeAt: wake ? performance.timeOrigin + wake.startTime : Number.NaN,
        firstFrameAt: state.firstFrameAt,
        greetingAudioAt: state.greetingAudioAt,
      }
    })
  }
}
