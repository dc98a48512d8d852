import { z } from 'zod'
import { HexColorSchema } from './fields'

/**
 * Display settings for the avatar stage: how the chroma-green stream is keyed, what is shown behind it, and
 * where the avatar sits. Mounted by the root settings schema under `display.chromaKey`, `display.background`
 * and `display.placement`; every schema fills its own defaults, so a missing branch parses to a working stage.
 */

export const ChromaKeySettingsSchema = z
  .object({
    /** Off shows the plain video (green and all). */
    enabled: z.boolean().default(true),
    /** Pick the key colour from the frame's border; `keyColor` is used until a confident pick exists. */
    autoKeyColor: z.boolean().default(true),
    keyColor: HexColorSchema.default('#00b140'),
    /**
     * Chroma distances are relative to the key colour's own saturation (neutral grey is 1.0), so the same
     * numbers work for a bright or a dull green. Below `similarity` a pixel is fully keyed out...
     */
    similarity: z.number().min(0).max(1).default(0.25),
    /** ...and it becomes opaque over the next `smoothness`: the soft edge. */
    smoothness: z.number().min(0).max(1).default(0.35),
    /** How much of the key colour's cast is removed where it exceeds the other channels (0 = off). */
    spill: z.number().min(0).max(1).default(1),
    /** Shrinks the matte by this many source pixels, for stubborn green outlines. */
    erosion: z.number().int().min(0).max(8).default(0),
    /**
     * Where keying runs. auto: WebGL on a real GPU, but on a software WebGL renderer (SwiftShader, llvmpipe:
     * a blocklisted driver, a VM, a remote session) the CPU keyer, which costs a fraction of emulated WebGL.
     * gpu and cpu force one path (support, tests, benchmarks).
     */
    renderer: z.enum(['auto', 'gpu', 'cpu']).default('auto'),
  })
  .prefault({})

const GRADIENT_FUNCTIONS = new Set([
  'linear-gradient',
  'radial-gradient',
  'conic-gradient',
  'repeating-linear-gradient',
  'repeating-radial-gradient',
  'repeating-conic-gradient',
])
const COLOR_FUNCTIONS = new Set(['rgb', 'rgba', 'hsl', 'hsla', 'hwb', 'lab', 'lch', 'oklab', 'oklch', 'calc'])
const GRADIENT_TOKEN =
  /\s+|#[0-9a-fA-F]{3,8}(?![0-9a-zA-Z])|[+-]?(?:\d+\.?\d*|\.\d+)(?:%|[a-zA-Z]+)?|[a-zA-Z][a-zA-Z0-9-]*|[(),/*+-]/y
const MAX_GRADIENT_LENGTH = 2000
const MAX_GRADIENT_DEPTH = 4

/**
 * A conservative allow-list parser for CSS gradients: one or more gradient functions whose arguments are
 * only keywords, numbers, hex colours and colour functions. Quotes, escapes, comments and any other function
 * (url(), image-set(), var(), …) are rejected, so a setting can never make the page fetch anything. The
 * browser still validates the exact gradient syntax when it applies the value.
 */
export function isSafeCssGradient(value: string): boolean {
  if (value.length === 0 || value.length > MAX_GRADIENT_LENGTH || value.includes('/*')) return false
  let depth = 0
  let functionName = '' // a function name that must be followed, without a space, by its parenthesis
  let functionEnd = -1
  let expectingLayer = true // at depth 0: a gradient must come next (start, or after a comma)
  GRADIENT_TOKEN.lastIndex = 0
  while (GRADIENT_TOKEN.lastIndex < value.length) {
    const start = GRADIENT_TOKEN.lastIndex
    const match = GRADIENT_TOKEN.exec(value)
    if (match === null || match.index !== start) return false
    const token = match[0]
    if (functionName !== '' && (token !== '(' || start !== functionEnd)) return false
    if (token.trim() === '') continue
    const lower = token.toLowerCase()
    if (token === '(') {
      // Only an allowed function name opens a parenthesis: bare blocks have no place in a gradient.
      if (functionName === '') return false
      functionName = ''
      depth += 1
      if (depth > MAX_GRADIENT_DEPTH) return false
    } else if (token === ')') {
      depth -= 1
      if (depth < 0) return false
    } else if (depth === 0) {
      if (token === ',' && !expectingLayer) {
        expectingLayer = true
      } else if (expectingLayer && GRADIENT_FUNCTIONS.has(lower)) {
        expectingLayer = false
        functionName = lower
        functionEnd = GRADIENT_TOKEN.lastIndex
      } else {
        return false
      }
    } else if (COLOR_FUNCTIONS.has(lower) && value[GRADIENT_TOKEN.lastIndex] === '(') {
      functionName = lower
      functionEnd = GRADIENT_TOKEN.lastIndex
    } else if (value[GRADIENT_TOKEN.lastIndex] === '(') {
      return false
    }
  }
  return depth === 0 && !expectingLayer && functionName === ''
}

export const CssGradientSchema = z
  .string()
  .trim()
  .refine(
    isSafeCssGradient,
    'expected a CSS gradient such as linear-gradient(#0b1d2a, #1f4058); url() is not allowed',
  )

const IMAGE_FILE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,120}\.(?:jpe?g|png|webp|avif)$/i
const VIDEO_FILE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,120}\.(?:webm|mp4)$/i

/** A plain file name inside the data folder's backgrounds directory: no separators, so no way out of it. */
export const BackgroundImageFileSchema = z
  .string()
  .regex(IMAGE_FILE, 'expected an image file name like lobby.jpg')
export const BackgroundVideoFileSchema = z
  .string()
  .regex(VIDEO_FILE, 'expected a video file name like loop.webm')

/** What shows whenever the chosen background cannot: while it loads, or if it is missing or corrupt. */
const fallbackColor = HexColorSchema.default('#0b1d2a')

export const BackgroundSettingsSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('color'), value: HexColorSchema, fallbackColor }),
    z.object({ type: z.literal('image'), value: BackgroundImageFileSchema, fallbackColor }),
    z.object({ type: z.literal('video'), value: BackgroundVideoFileSchema, fallbackColor }),
    z.object({ type: z.literal('gradient'), value: CssGradientSchema, fallbackColor }),
  ])
  .default({
    type: 'gradient',
    value: 'radial-gradient(ellipse at 50% 30%, #1f4058 0%, #0b1d2a 75%)',
    fallbackColor: '#0b1d2a',
  })

const cropEdge = z.number().min(0).max(0.45).default(0)

/** Placement of the avatar on one screen orientation. */
export const PlacementBoxSchema = z.object({
  /** contain: the whole (cropped) frame is visible; cover: it fills the screen, overflow is cut. */
  fit: z.enum(['contain', 'cover']).default('contain'),
  /** Multiplies the fitted size. */
  scale: z.number().min(0.1).max(4).default(1),
  /** Where the avatar sits in the free space, like CSS object-position: 0 = left/top, 1 = right/bottom. */
  x: z.number().min(0).max(1).default(0.5),
  y: z.number().min(0).max(1).default(1),
  /** Fractions of the source frame cut from each edge before fitting. */
  crop: z.object({ top: cropEdge, right: cropEdge, bottom: cropEdge, left: cropEdge }).prefault({}),
})

export const AvatarPlacementSchema = z
  .object({
    landscape: PlacementBoxSchema.prefault({}),
    // A 16:9 avatar on a portrait screen: cut the empty green sides so the figure can be larger.
    portrait: PlacementBoxSchema.prefault({ crop: { left: 0.2, right: 0.2 } }),
  })
  .prefault({})

export type ChromaKeySettings = z.infer<typeof ChromaKeySettingsSchema>
export type ChromaRenderer = ChromaKeySettings['renderer']
export type BackgroundSettings = z.infer<typeof BackgroundSettingsSchema>
export type PlacementBox = z.infer<typeof PlacementBoxSchema>
export type AvatarPlacement = z.infer<typeof AvatarPlacementSchema>
