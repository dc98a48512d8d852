import { MicVAD } from '@ricky0123/vad-web'

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

/**
 * Silero VAD (through @ricky0123/vad-web) on our own microphone stream. Runs entirely in the page, offline,
 * from files served by the app's own origin.
 */
export async function startVoiceActivity(options: VoiceActivityOptions): Promise<VoiceActivity> {
  const assets = assetsUrl()
  const vad = await MicVAD.new({
    model: 'legacy',
    baseAssetPath: assets,
    onnxWASMBasePath: assets,
    ortConfig: (ort) => {
      // No cross-origin isolation in a kiosk page: threads are unavailable, so don't look for them.
      ort.env.wasm.numThreads = 1
    },
    getStream: async () => options.stream,
    pauseStream: async () => undefined,
    resumeStream: async () => options.stream,
    positiveSpeechThreshold: options.threshold,
    negativeSpeechThreshold: Math.max(0.05, options.threshold - 0.15),
    redemptionMs: options.endOfSpeechMs,
    minSpeechMs: 300,
    preSpeechPadMs: 300,
    startOnLoad: true,
    onSpeechRealStart: () => options.onSpeechStart(),
    onSpeechEnd: (samples) => options.onUtterance(samples),
    onVADMisfire: () => options.onMisfire(),
  })
  return {
    pause: () => vad.pause(),
    resume: () => vad.start(),
    destroy: () => vad.destroy(),
  }
}
