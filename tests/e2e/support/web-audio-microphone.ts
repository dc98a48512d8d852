import { expect, type Page } from '@playwright/test'
import { voicedSpanMs, type Pcm } from './utterance'

/**
 * A microphone whose timing the bench knows exactly. Chromium's fake capture device loops a file on its own
 * clock, so nobody knows when a word was said; here `getUserMedia` (audio-only requests) returns the stream of a
 * MediaStreamAudioDestinationNode of an AudioContext the init script owns, and the bench schedules each
 * utterance on that context and learns the epoch time of its samples.
 *
 * Mapping context time to epoch: a (currentTime, performance.now()) pair read together just before scheduling.
 * currentTime advances once per render callback, so the pair is off by at most one callback period (the
 * context's baseLatency, about 10 ms on Linux), and the samples then cross into the page's own capture graph
 * (the VAD's AudioContext) with up to one more such buffer. getOutputTimestamp() is read as well: it maps to the
 * (fake) loudspeaker, which the stream does not go through, so the difference between the two is reported as
 * a plausibility check, not used. The init script runs outside the page's CSP (Playwright injects it), so
 * the kiosk's CSP stays as it is; Chromium still needs --use-fake-ui-for-media-stream only for permission.
 */

export interface PlayedUtterance {
  /** Epoch ms at which the first sample of the buffer was rendered into the microphone stream. */
  startAt: number
  firstVoicedAt: number
  lastVoicedAt: number
  endAt: number
  /** getOutputTimestamp's mapping minus ours, ms (its output latency included): a sanity figure. */
  outputTimestampSkewMs: number | null
  baseLatencyMs: number
}

interface BenchMicrophone {
  requests: number
  play(
    base64: string,
    sampleRate: number,
    leadMs: number,
  ): Promise<{
    startAt: number
    outputTimestampStartAt: number | null
    baseLatencyMs: number
  }>
}

declare global {
  interface Window {
    __benchMicrophone?: BenchMicrophone
  }
}

/**
 * The init script, as source text: a function handed to Playwright would be serialised after tsx/esbuild
 * rewrote it (its `__name` helper does not exist in the page).
 */
export const WEB_AUDIO_MICROPHONE_SCRIPT = String.raw`(() => {
  const devices = navigator.mediaDevices
  if (!devices || !devices.getUserMedia) return
  const original = devices.getUserMedia.bind(devices)
  let context
  let destination
  const ensure = () => {
    if (!context) {
      context = new AudioContext({ sampleRate: 48000 })
      destination = context.createMediaStreamDestination()
      destination.channelCount = 1
    }
    return { ctx: context, dest: destination }
  }
  const microphone = {
    requests: 0,
    async play(base64, sampleRate, leadMs) {
      const { ctx, dest } = ensure()
      await ctx.resume()
      const binary = atob(base64)
      const bytes = new Uint8Array(binary.length)
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
      const samples = new Float32Array(bytes.buffer)
      const buffer = ctx.createBuffer(1, samples.length, sampleRate)
      buffer.copyToChannel(samples, 0)
      const source = ctx.createBufferSource()
      source.buffer = buffer
      source.connect(dest)
      const contextTime = ctx.currentTime
      const perfTime = performance.now()
      const output = ctx.getOutputTimestamp()
      const when = contextTime + leadMs / 1000
      source.start(when)
      source.addEventListener('ended', () => source.disconnect())
      const startAt = performance.timeOrigin + perfTime + (when - contextTime) * 1000
      const outputTimestampStartAt =
        output.contextTime === undefined || !output.performanceTime
          ? null
          : performance.timeOrigin + output.performanceTime + (when - output.contextTime) * 1000
      return { startAt, outputTimestampStartAt, baseLatencyMs: ctx.baseLatency * 1000 }
    },
  }
  window.__benchMicrophone = microphone
  devices.getUserMedia = async (constraints) => {
    if (!constraints || !constraints.audio || constraints.video) return original(constraints)
    const { ctx, dest } = ensure()
    await ctx.resume()
    microphone.requests += 1
    // A clone per request: the kiosk stops its tracks when it closes the microphone, and may open it again.
    return new MediaStream(dest.stream.getAudioTracks().map((track) => track.clone()))
  }
})()`

/** Launch flags: permission only; the audio comes from the init script, not a fake capture device. */
export const WEB_AUDIO_MICROPHONE_ARGS = ['--use-fake-ui-for-media-stream']

export async function addWebAudioMicrophone(page: Page): Promise<void> {
  await page.addInitScript({ content: WEB_AUDIO_MICROPHONE_SCRIPT })
}

/**
 * Waits until the kiosk opened the microphone and its detector runs: our getUserMedia was asked, and the page
 * marks the microphone `ok` (set once the VAD started; see Conversation.openMicrophone).
 */
export async function waitForMicrophone(page: Page, timeout: number): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            (window.__benchMicrophone?.requests ?? 0) > 0 &&
            document.documentElement.dataset.microphone === 'ok',
        ),
      { timeout, intervals: [100] },
    )
    .toBe(true)
}

/** Plays `pcm` into the microphone `leadMs` from now; resolves at once with its epoch times. */
export async function playUtterance(page: Page, pcm: Pcm, leadMs = 150): Promise<PlayedUtterance> {
  const span = voicedSpanMs(pcm)
  if (!span) throw new Error('utterance has no voiced samples')
  const floats = new Float32Array(pcm.samples)
  const base64 = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64')
  const played = await page.evaluate(
    ([data, rate, lead]) => {
      const microphone = window.__benchMicrophone
      if (!microphone) throw new Error('the WebAudio microphone init script is not installed')
      return microphone.play(data, rate, lead)
    },
    [base64, pcm.sampleRate, leadMs] as const,
  )
  return {
    startAt: played.startAt,
    firstVoicedAt: played.startAt + span.firstMs,
    lastVoicedAt: played.startAt + span.lastMs,
    endAt: played.startAt + (pcm.samples.length * 1000) / pcm.sampleRate,
    outputTimestampSkewMs:
      played.outputTimestampStartAt === null ? null : played.outputTimestampStartAt - played.startAt,
    baseLatencyMs: played.baseLatencyMs,
  }
}
