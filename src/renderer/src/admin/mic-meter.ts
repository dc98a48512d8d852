import { openMicrophone } from '../conversation/microphone'

/** RMS of a frame that counts as "the microphone hears something" (about −40 dBFS): above any real noise floor. */
export const HEARD_LEVEL = 0.01
const SAMPLE_EVERY_MS = 60

export interface MicMeter {
  /** Releases the microphone and the audio graph. */
  stop(): void
}

/** Root mean square of one frame of samples (−1…1). */
export function rmsLevel(samples: Float32Array): number {
  if (samples.length === 0) return 0
  let sum = 0
  for (const sample of samples) sum += sample * sample
  return Math.sqrt(sum / samples.length)
}

/**
 * The microphone's level, a few times a second, for the operator's bar. Opens the microphone exactly as a
 * conversation does (echo cancellation on), so a failure here is the one a visitor would meet; it throws the
 * same MicrophoneError.
 */
export async function startMicMeter(onLevel: (rms: number) => void): Promise<MicMeter> {
  const stream = await openMicrophone()
  const context = new AudioContext()
  const analyser = context.createAnalyser()
  analyser.fftSize = 2048
  const source = context.createMediaStreamSource(stream)
  source.connect(analyser)
  // Opened from a button press; resume in case the page's autoplay policy started it suspended.
  void context.resume().catch(() => undefined)
  const frame = new Float32Array(analyser.fftSize)
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(frame)
    onLevel(rmsLevel(frame))
  }, SAMPLE_EVERY_MS)
  return {
    stop() {
      clearInterval(timer)
      source.disconnect()
      for (const track of stream.getTracks()) track.stop()
      void context.close().catch(() => undefined)
    },
  }
}
