import { describe, expect, it } from 'vitest'
import {
  FaceWorkerReplySchema,
  FaceWorkerRequestSchema,
} from '../../../src/renderer/src/presence/face-protocol'

describe('face worker protocol', () => {
  it('accepts the model folder on the kiosk app:// origin and on the web host', () => {
    for (const modelUrl of ['app://kiosk/face/', 'http://127.0.0.1:5173/face/']) {
      expect(FaceWorkerRequestSchema.parse({ type: 'init', modelUrl, minScore: 0.5 })).toMatchObject({
        modelUrl,
      })
    }
  })

  it('refuses a bad init or a frame that is not an ImageBitmap', () => {
    expect(
      FaceWorkerRequestSchema.safeParse({ type: 'init', modelUrl: 'face/', minScore: 0.5 }).success,
    ).toBe(false)
    expect(
      FaceWorkerRequestSchema.safeParse({ type: 'init', modelUrl: 'app://kiosk/face/', minScore: 2 }).success,
    ).toBe(false)
    expect(FaceWorkerRequestSchema.safeParse({ type: 'frame', id: 1, bitmap: { width: 320 } }).success).toBe(
      false,
    )
  })

  it('parses results and refuses a score outside 0..1', () => {
    const result = {
      type: 'result',
      id: 3,
      face: true,
      score: 0.8,
      box: { x: 0.4, y: 0.2, width: 0.2, height: 0.3 },
      ms: 40,
    }
    expect(FaceWorkerReplySchema.parse(result)).toEqual(result)
    expect(FaceWorkerReplySchema.safeParse({ ...result, score: 1.5 }).success).toBe(false)
    expect(
      FaceWorkerReplySchema.safeParse({ type: 'result', id: 3, face: 'yes', score: 0, ms: 1 }).success,
    ).toBe(false)
  })
})
