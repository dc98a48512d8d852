import { describe, expect, it } from 'vitest'
import { CameraWatch } from '../../../src/renderer/src/attract/camera-watch'
import type { FacePresence, FacePresenceOptions } from '../../../src/renderer/src/presence/face-presence'

function fakeDetector() {
  const started: FacePresenceOptions[] = []
  let stops = 0
  const start = async (options: FacePresenceOptions): Promise<FacePresence> => {
    started.push(options)
    return { stop: () => (stops += 1), stream: {} as MediaStream, backend: 'cpu' }
  }
  return { start, started, stops: () => stops }
}

describe('CameraWatch', () => {
  it('wakes on a face seen (not on one gone), counts every face frame as presence, and stops when turned off', async () => {
    const detector = fakeDetector()
    const events: string[] = []
    const watch = new CameraWatch({
      start: detector.start,
      onSeen: () => events.push('seen'),
      onFace: () => events.push('face'),
      log: () => undefined,
    })
    watch.setEnabled(true)
    watch.setEnabled(true)
    expect(detector.started).toHaveLength(1)
    const options = detector.started[0]!
    options.onFrame?.({ face: false, score: 0.1, ms: 5 })
    options.onFrame?.({ face: true, score: 0.9, ms: 5 })
    options.onPresence(true)
    options.onPresence(false)
    expect(events).toEqual(['face', 'seen'])
    watch.setEnabled(false)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(detector.stops()).toBe(1)
  })

  it('a camera that cannot start is logged, and touch and voice go on', async () => {
    const logged: string[] = []
    const watch = new CameraWatch({
      start: () => Promise.reject(new Error('camera denied')),
      onSeen: () => undefined,
      onFace: () => undefined,
      log: (_level, message, context) => logged.push(`${message} ${String(context?.error)}`),
    })
    watch.setEnabled(true)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(logged).toEqual(['camera wake unavailable Error: camera denied'])
    watch.setEnabled(false)
  })
})
