export type MicrophoneProblem = 'denied' | 'missing' | 'unavailable' | 'unplugged'

export class MicrophoneError extends Error {
  constructor(
    readonly problem: MicrophoneProblem,
    cause?: unknown,
  ) {
    super(`microphone ${problem}`, { cause })
    this.name = 'MicrophoneError'
  }
}

/** What the visitor reads for each microphone problem; the kiosk then offers touch and typing. */
export const MICROPHONE_HINTS: Record<MicrophoneProblem, string> = {
  denied: 'The microphone is switched off for this kiosk. Tap here to type your question.',
  missing: 'No microphone is connected. Tap here to type your question.',
  unavailable: 'The microphone is busy or not working. Tap here to type your question.',
  unplugged: 'The microphone was disconnected. Tap here to type your question.',
}

export function classifyMicrophoneError(error: unknown): MicrophoneProblem {
  const name = (error as { name?: string } | undefined)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing'
  return 'unavailable'
}

/**
 * The visitor's microphone with the browser's echo cancellation and noise suppression, so the avatar's own voice
 * from the kiosk speaker is not mistaken for a visitor.
 */
export async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError('unavailable')
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    })
  } catch (error) {
    throw new MicrophoneError(classifyMicrophoneError(error), error)
  }
}
