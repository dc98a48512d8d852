import { describe, expect, it } from 'vitest'
import { CAMERA_HINTS, CameraError, classifyCameraError } from '../../../src/renderer/src/presence/camera'

describe('camera errors', () => {
  it.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotFoundError', 'missing'],
    ['OverconstrainedError', 'missing'],
    ['NotReadableError', 'unavailable'],
    ['AbortError', 'unavailable'],
  ] as const)('%s means the camera is %s', (name, problem) => {
    expect(classifyCameraError(Object.assign(new Error('x'), { name }))).toBe(problem)
  })

  it('treats anything else as unavailable', () => {
    expect(classifyCameraError(undefined)).toBe('unavailable')
    expect(classifyCameraError('boom')).toBe('unavailable')
  })

  it('names the problem and keeps the cause', () => {
    const cause = new Error('Permission denied')
    const error = new CameraError('denied', cause)
    expect(error.message).toBe('camera denied')
    expect(error.cause).toBe(cause)
    expect(error.name).toBe('CameraError')
  })

  it('tells the operator that touch and voice still work, for every problem', () => {
    for (const hint of Object.values(CAMERA_HINTS)) expect(hint).toMatch(/Touch and voice still work\.$/)
  })
})
