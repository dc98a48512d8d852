export type CameraProblem = 'denied' | 'missing' | 'unavailable'

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    cause?: unknown,
  ) {
    super(`camera ${problem}`, { cause })
    this.name = 'CameraError'
  }
}

/** What the operator reads when camera wake cannot start; the kiosk still wakes by touch and voice. */
export const CAMERA_HINTS: Record<CameraProblem, string> = {
  denied:
    'The camera is blocked for this kiosk, so it cannot wake when someone walks up. Touch and voice still work.',
  missing:
    'No camera is connected, so the kiosk cannot wake when someone walks up. Touch and voice still work.',
  unavailable:
    'The camera is busy or not working, so the kiosk cannot wake when someone walks up. Touch and voice still work.',
}

export function classifyCameraError(error: unknown): CameraProblem {
  const name = (error as { name?: string } | undefined)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing'
  return 'unavailable'
}

/**
 * A small, low-rate camera stream: presence needs a face a few times a second, not a picture, and fewer pixels
 * mean less CPU for the detector.
 */
export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('unavailable')
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { ideal: 15, max: 15 } },
    })
  } catch (error) {
    throw new CameraError(classifyCameraError(error), error)
  }
}
