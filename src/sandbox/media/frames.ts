import {
  drawCharacterBase,
  drawEyes,
  drawMouth,
  FACE_FEATURE_ROWS,
  MOUTH_STATES,
  type CharacterLook,
  type EyeState,
  type MouthState,
} from './character'
import { convertRows, rgbToI420 } from './yuv'

/** Every picture the avatar can show, pre-rendered as I420, so streaming a frame is one pipe write. */
export interface FrameSet {
  width: number
  height: number
  frame(mouth: MouthState, eyes: EyeState): Buffer
}

const EYE_STATES: readonly EyeState[] = ['open', 'closed']
const CACHE_LIMIT = 4
const cache = new Map<string, FrameSet>()

export function renderFrameSet(width: number, height: number, look: CharacterLook): FrameSet {
  const base = drawCharacterBase(width, height, look)
  const baseFrame = rgbToI420(base)
  const rowFrom = Math.floor((FACE_FEATURE_ROWS.from * height) / 720)
  const rowTo = Math.ceil((FACE_FEATURE_ROWS.to * height) / 720)
  const frames = new Map<string, Buffer>()
  for (const eyes of EYE_STATES) {
    const withEyes = base.clone()
    drawEyes(withEyes, look, eyes)
    for (let mouth = 0; mouth < MOUTH_STATES; mouth++) {
      const canvas = withEyes.clone()
      drawMouth(canvas, look, mouth as MouthState)
      const frame = Buffer.from(baseFrame)
      convertRows(canvas, frame, rowFrom, rowTo)
      frames.set(`${mouth}/${eyes}`, frame)
    }
  }
  return {
    width,
    height,
    frame: (mouth, eyes) => frames.get(`${mouth}/${eyes}`)!,
  }
}

/** Sessions of the same look and quality share one set: rendering 720p takes a noticeable moment. */
export function cachedFrameSet(
  lookName: string,
  look: CharacterLook,
  width: number,
  height: number,
): FrameSet {
  const key = `${lookName}@${width}x${height}`
  const hit = cache.get(key)
  if (hit) {
    cache.delete(key)
    cache.set(key, hit)
    return hit
  }
  const set = renderFrameSet(width, height, look)
  cache.set(key, set)
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  return set
}
