/**
 * A small live preview of the presence camera. Frames only ever go to the <video> element: nothing is drawn,
 * stored or sent. Throws getUserMedia's error (NotAllowedError, NotFoundError…) for the caller to explain.
 */
export async function startCameraPreview(video: HTMLVideoElement): Promise<() => void> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('No camera API', 'NotSupportedError')
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 320 }, height: { ideal: 240 } },
    audio: false,
  })
  video.muted = true
  video.srcObject = stream
  void video.play().catch(() => undefined)
  return () => {
    for (const track of stream.getTracks()) track.stop()
    video.srcObject = null
  }
}

export function cameraProblem(error: unknown): { detail: string; fix: string } {
  const name = (error as { name?: string } | undefined)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return {
      detail: 'The camera is switched off for this kiosk.',
      fix: 'Allow the camera for the kiosk in the system’s privacy settings, or turn off waking by camera.',
    }
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return { detail: 'No camera is connected.', fix: 'Connect a camera, or turn off waking by camera.' }
  return {
    detail: 'The camera is busy or not working.',
    fix: 'Close other programs that use the camera, or reconnect it.',
  }
}
