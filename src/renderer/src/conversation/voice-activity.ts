import { MicVAD, type RealTimeVADOptions } from '@ricky0123/vad-web'

/** Silero's legacy model scores the microphone in frames of 1536 samples at 16 kHz. */
export const VAD_FRAME_MS = 96
/** A start shorter than this is a cough or a click, not speech. */
export const MIN_SPEECH_MS = 300
/** Audio kept from before the detector was sure, so the first syllable is not clipped. */
export const PRE_SPEECH_PAD_MS = 300

/** Below the speech threshold by this much counts as silence; in between counts as neither. */
export function silenceThreshold(threshold: number): number {
  return Math.max(0.05, threshold - 0.15)
}

export interface VoiceActivityOptions {
  stream: MediaStream
  threshold: number
  endOfSpeechMs: number
  /** Someone really started speaking (past the minimum length): the moment for barge-in. */
  onSpeechStart(): void
  /** The utterance ended: 16 kHz float samples. */
  onUtterance(samples: Float32Array): void
  /** A start that turned out too short to be speech. */
  onMisfire(): void
}

export interface VoiceActivity {
  pause(): Promise<void>
  resume(): Promise<void>
  destroy(): Promise<void>
}

/**
 * The model, worklet and WebAssembly runtime ship with the app (copied into `vad/` at build). Absolute, because
 * onnxruntime resolves relative paths against its own script in `assets/`, not against the page.
 */
const assetsUrl = () => new URL('./vad/', document.baseURI).href

async function createMicVad(
  stream: MediaStream,
  callbacks: Partial<RealTimeVADOptions> & Pick<RealTimeVADOptions, 'positiveSpeechThreshold'>,
): Promise<VoiceActivity> {
  const assets = assetsUrl()
  const vad = await MicVAD.new({
    model: 'legacy',
    baseAssetPath: assets,
    onnxWASMBasePath: assets,
    ortConfig: (ort) => {
      // No cross-origin isolation in a kiosk page: threads are unavailable, so don't look for them.
      ort.env.wasm.numThreads = 1
    },
    getStream: async () => stream,
    pauseStream: async () => undefined,
    resumeStream: async () => stream,
    negativeSpeechThreshold: silenceThreshold(callbacks.positiveSpeechThreshold),
    minSpeechMs: MIN_SPEECH_MS,
    preSpeechPadMs: PRE_SPEECH_PAD_MS,
    startOnLoad: true,
    ...callbacks,
  })
  return {
    pause: () => vad.pause(),
    resume: () => vad.start(),
    destroy: () => vad.destroy(),
  }
}

/**
 * Silero VAD (through @ricky0123/vad-web) on our own microphone stream, with its own idea of an utterance:
 * enough for waking the kiosk. Runs entirely in the page, offline, from files served by the app's own origin.
 */
export function startVoiceActivity(options: VoiceActivityOptions): Promise<VoiceActivity> {
  return createMicVad(options.stream, {
    positiveSpeechThreshold: options.threshold,
    redemptionMs: options.endOfSpeechMs,
    onSpeechRealStart: () => options.onSpeechStart(),
    onSpeechEnd: (samples) => options.onUtterance(samples),
    onVADMisfire: () => options.onMisfire(),
  })
}

/**
 * The same detector as a source of scored frames only (`VAD_FRAME_MS` each, 16 kHz samples), for turn taking
 * that decides for itself what a pause and an end of turn are.
 */
export function startVoiceFrames(options: {
  stream: MediaStream
  threshold: number
  onFrame(speechProbability: number, samples: Float32Array): void
}): Promise<VoiceActivity> {
  return createMicVad(options.stream, {
    positiveSpeechThreshold: options.threshold,
    onFrameProcessed: (probabilities, frame) => options.onFrame(probabilities.isSpeech, frame),
  })
}
