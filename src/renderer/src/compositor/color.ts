/** An sRGB colour with 0–255 channels. */
export interface Rgb {
  r: number
  g: number
  b: number
}

/** Parses `#rgb` or `#rrggbb` (the forms the settings schema allows). */
export function parseHexColor(hex: string): Rgb {
  const digits = hex.startsWith('#') ? hex.slice(1) : hex
  const full = digits.length === 3 ? digits.replace(/./g, (digit) => digit + digit) : digits
  if (!/^[0-9a-fA-F]{6}$/.test(full)) throw new Error(`not a hex colour: ${hex}`)
  const value = Number.parseInt(full, 16)
  return { r: (value >> 16) & 0xff, g: (value >> 8) & 0xff, b: value & 0xff }
}

export function toHexColor({ r, g, b }: Rgb): string {
  const channel = (value: number): string =>
    Math.round(Math.min(255, Math.max(0, value)))
      .toString(16)
      .padStart(2, '0')
  return `#${channel(r)}${channel(g)}${channel(b)}`
}

// BT.709 colour-difference weights for full-range RGB in 0–1. The shader uses the same numbers (see
// shaders.ts), so the key colour picked on the CPU and the distances measured on the GPU agree.
export const CB_WEIGHTS = [-0.114572, -0.385428, 0.5] as const
export const CR_WEIGHTS = [0.5, -0.454153, -0.045847] as const

/** Blue-difference chroma (Cb) of a 0–255 colour, centred on 0 for greys. */
export function chromaBlue(r: number, g: number, b: number): number {
  return (CB_WEIGHTS[0] * r + CB_WEIGHTS[1] * g + CB_WEIGHTS[2] * b) / 255
}

/** Red-difference chroma (Cr) of a 0–255 colour, centred on 0 for greys. */
export function chromaRed(r: number, g: number, b: number): number {
  return (CR_WEIGHTS[0] * r + CR_WEIGHTS[1] * g + CR_WEIGHTS[2] * b) / 255
}
