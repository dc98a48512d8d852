import { above, below, capsule, circle, ellipse, intersect, RgbCanvas, roundedRect, type Rgb } from './canvas'

/** The key colour: pure green, so the app's chroma keying does real work on every frame. */
export const KEY_GREEN: Rgb = [0, 255, 0]

export const MOUTH_STATES = 4

/** Rows (on the 720-pixel reference frame) that eyes and mouth may touch; everything else is shared. */
export const FACE_FEATURE_ROWS = { from: 285, to: 480 } as const
export type MouthState = 0 | 1 | 2 | 3
export type EyeState = 'open' | 'closed'

export interface CharacterLook {
  skin: Rgb
  hair: Rgb
  shirt: Rgb
  iris: Rgb
  longHair: boolean
}

// No look may contain a green-dominant colour: anything near the key would be keyed out with the background.
const LIPS: Rgb = [176, 74, 82]
const MOUTH_INSIDE: Rgb = [92, 24, 34]
const TEETH: Rgb = [246, 242, 236]
const TONGUE: Rgb = [222, 112, 122]
const EYE_WHITE: Rgb = [250, 250, 250]
const PUPIL: Rgb = [20, 16, 24]
const CHEEK: Rgb = [236, 120, 120]

function shade(color: Rgb, factor: number): Rgb {
  return [color[0] * factor, color[1] * factor, color[2] * factor]
}

/**
 * Draws everything that never changes (body, head, hair, nose) onto a key-green canvas. Geometry is laid
 * out on a 720-pixel-high reference frame and scaled, so every quality shows the same character.
 */
export function drawCharacterBase(width: number, height: number, look: CharacterLook): RgbCanvas {
  const canvas = new RgbCanvas(width, height)
  canvas.fill(KEY_GREEN)
  const s = height / 720
  const cx = width / 2
  const X = (dx: number): number => cx + dx * s
  const Y = (y: number): number => y * s

  if (look.longHair) canvas.draw(roundedRect(X(0), Y(420), 190 * s, 230 * s, 90 * s), look.hair)
  canvas.draw(ellipse(X(0), Y(880), 320 * s, 290 * s), look.shirt)
  canvas.draw(roundedRect(X(0), Y(520), 52 * s, 90 * s, 30 * s), shade(look.skin, 0.88))
  // A V-neck collar in the shirt, so the neck meets the body.
  canvas.draw(
    intersect(ellipse(X(0), Y(600), 70 * s, 60 * s), below(Y(590), X(-70), X(70))),
    shade(look.skin, 0.88),
  )
  const backHair = ellipse(X(0), Y(300), 168 * s, 190 * s)
  canvas.draw(look.longHair ? backHair : intersect(backHair, above(Y(360), X(-168), X(168))), look.hair)
  canvas.draw(circle(X(-150), Y(335), 30 * s), shade(look.skin, 0.95))
  canvas.draw(circle(X(150), Y(335), 30 * s), shade(look.skin, 0.95))
  canvas.draw(ellipse(X(0), Y(330), 148 * s, 178 * s), look.skin)
  canvas.draw(intersect(ellipse(X(0), Y(215), 158 * s, 105 * s), above(Y(245), X(-158), X(158))), look.hair)
  canvas.draw(capsule(X(-88), Y(265), X(-34), Y(258), 7 * s), shade(look.hair, 0.9))
  canvas.draw(capsule(X(34), Y(258), X(88), Y(265), 7 * s), shade(look.hair, 0.9))
  canvas.draw(capsule(X(-4), Y(330), X(-10), Y(372), 8 * s), shade(look.skin, 0.86))
  canvas.draw(circle(X(-95), Y(385), 26 * s), CHEEK, 0.25)
  canvas.draw(circle(X(95), Y(385), 26 * s), CHEEK, 0.25)
  return canvas
}

export function drawEyes(canvas: RgbCanvas, look: CharacterLook, state: EyeState): void {
  const s = canvas.height / 720
  const cx = canvas.width / 2
  for (const side of [-1, 1]) {
    const ex = cx + side * 60 * s
    const ey = 312 * s
    if (state === 'closed') {
      canvas.draw(ellipse(ex, ey, 28 * s, 19 * s), look.skin)
      canvas.draw(capsule(ex - 24 * s, ey + 2 * s, ex + 24 * s, ey + 2 * s, 3 * s), shade(look.hair, 0.8))
      continue
    }
    canvas.draw(ellipse(ex, ey, 27 * s, 18 * s), EYE_WHITE)
    canvas.draw(circle(ex, ey + 1 * s, 13 * s), look.iris)
    canvas.draw(circle(ex, ey + 1 * s, 6 * s), PUPIL)
    canvas.draw(circle(ex + 4 * s, ey - 4 * s, 3 * s), EYE_WHITE)
  }
}

/** Mouth openings from closed (0) to wide (3); the lower face is redrawn first so states never smear. */
export function drawMouth(canvas: RgbCanvas, look: CharacterLook, state: MouthState): void {
  const s = canvas.height / 720
  const mx = canvas.width / 2
  const my = 430 * s
  canvas.draw(ellipse(mx, my, 56 * s, 44 * s), look.skin)
  if (state === 0) {
    canvas.draw(capsule(mx - 38 * s, my, mx + 38 * s, my, 5 * s), LIPS)
    return
  }
  const rx = [0, 30, 36, 41][state]! * s
  const ry = [0, 9, 19, 31][state]! * s
  const inside = ellipse(mx, my, rx, ry)
  canvas.draw(ellipse(mx, my, rx + 5 * s, ry + 5 * s), LIPS)
  canvas.draw(inside, MOUTH_INSIDE)
  if (state >= 2) {
    canvas.draw(intersect(inside, above(my - ry * 0.45, mx - rx, mx + rx)), TEETH)
    canvas.draw(intersect(inside, ellipse(mx, my + ry * 0.85, rx * 0.7, ry * 0.55)), TONGUE)
  }
}

export const CHARACTER_LOOKS: Readonly<Record<string, CharacterLook>> = {
  ada: {
    skin: [240, 200, 172],
    hair: [92, 52, 34],
    shirt: [44, 86, 178],
    iris: [70, 110, 170],
    longHair: true,
  },
  ben: {
    skin: [170, 118, 86],
    hair: [28, 22, 24],
    shirt: [178, 58, 62],
    iris: [88, 56, 36],
    longHair: false,
  },
  cleo: {
    skin: [226, 182, 150],
    hair: [214, 160, 74],
    shirt: [120, 64, 160],
    iris: [60, 90, 150],
    longHair: true,
  },
}
