import { openMicrophone } from '../conversation/microphone'
import { startVoiceActivity, type VoiceActivity } from '../conversation/voice-activity'

/**
 * A wake threshold above the conversation's: on the attract screen a false wake costs a paid session, while a
 * missed one costs only a second (the visitor goes on talking, or taps).
 */
export const VOICE_WAKE_MIN_THRESHOLD = 0.7

export interface VoiceWakeOptions {
  /** The conversation's own speech threshold; the wake never uses a lower one. */
  threshold: number
  /** Speech began: the first sign of presence, before the visitor has finished a word. */
  onSpeechStart(): void
  onProblem(error: unknown): void
}

export interface VoiceWake {
  stop(): Promise<void>
}

/**
 * Listens for a voice while no provider session is open: our own microphone stream and the on-device voice
 * activity detector; no audio leaves the page. Speech start (not end) wakes the kiosk.
 */
export async function startVoiceWake(options: VoiceWakeOptions): Promise<VoiceWake> {
  const stream = await openMicrophone()
  let vad: VoiceActivity
  try {
    vad = await startVoiceActivity({
      stream,
      threshold: Math.max(VOICE_WAKE_MIN_THRESHOLD, options.threshold),
      endOfSpeechMs: 500,
      onSpeechStart: () => options.onSpeechStart(),
      onUtterance: () => undefined,
      onMisfire: () => undefined,
    })
  } catch (error) {
    for (const track of stream.getTracks()) track.stop()
    throw error
  }
  return {
    async stop() {
      await vad.destroy().catch((error: unknown) => options.onProblem(error))
      for (const track of stream.getTracks()) track.stop()
    },
  }
}
