import { describe, expect, it } from 'vitest'
import {
  AvatarPlacementSchema,
  BackgroundSettingsSchema,
  ChromaKeySettingsSchema,
  isSafeCssGradient,
} from '../../../src/shared/settings/chroma'

const DEFAULT_CHROMA_KEY = ChromaKeySettingsSchema.parse(undefined)
const DEFAULT_BACKGROUND = BackgroundSettingsSchema.parse(undefined)
const DEFAULT_PLACEMENT = AvatarPlacementSchema.parse(undefined)

describe('chroma key settings', () => {
  it('fills every default from nothing', () => {
    expect(ChromaKeySettingsSchema.parse(undefined)).toEqual({
      enabled: true,
      autoKeyColor: true,
      keyColor: '#00b140',
      similarity: 0.25,
      smoothness: 0.35,
      spill: 1,
      erosion: 0,
      renderer: 'auto',
    })
    expect(DEFAULT_CHROMA_KEY.enabled).toBe(true)
    expect(ChromaKeySettingsSchema.safeParse({ renderer: 'cpu' }).success).toBe(true)
    expect(ChromaKeySettingsSchema.safeParse({ renderer: 'software' }).success).toBe(false)
  })

  it('keeps given values and defaults the rest', () => {
    const parsed = ChromaKeySettingsSchema.parse({ similarity: 0.1, keyColor: '#0000FF' })
    expect(parsed.similarity).toBe(0.1)
    expect(parsed.keyColor).toBe('#0000FF')
    expect(parsed.smoothness).toBe(0.35)
  })

  it.each([
    { similarity: 1.5 },
    { smoothness: -0.1 },
    { spill: 2 },
    { erosion: 1.5 },
    { erosion: 9 },
    { keyColor: 'green' },
    { keyColor: '#0f0' },
    { keyColor: 'rgb(0,255,0)' },
  ])('rejects %o', (input) => {
    expect(ChromaKeySettingsSchema.safeParse(input).success).toBe(false)
  })
})

describe('background settings', () => {
  it('defaults to a gradient with a fallback colour', () => {
    expect(DEFAULT_BACKGROUND.type).toBe('gradient')
    expect(isSafeCssGradient(DEFAULT_BACKGROUND.value)).toBe(true)
    expect(DEFAULT_BACKGROUND.fallbackColor).toMatch(/^#[0-9a-f]{6}$/)
  })

  it('accepts each type with its own kind of value, defaulting the fallback colour', () => {
    expect(BackgroundSettingsSchema.parse({ type: 'color', value: '#123456' })).toEqual({
      type: 'color',
      value: '#123456',
      fallbackColor: '#0b1d2a',
    })
    expect(BackgroundSettingsSchema.parse({ type: 'image', value: 'Lobby photo 2.JPG' }).value).toBe(
      'Lobby photo 2.JPG',
    )
    expect(
      BackgroundSettingsSchema.parse({ type: 'video', value: 'loop.webm', fallbackColor: '#000000' }),
    ).toEqual({
      type: 'video',
      value: 'loop.webm',
      fallbackColor: '#000000',
    })
    expect(
      BackgroundSettingsSchema.parse({
        type: 'gradient',
        value: ' linear-gradient(180deg, #0b1a2a 0%, #23344d 100%) ',
      }).value,
    ).toBe('linear-gradient(180deg, #0b1a2a 0%, #23344d 100%)')
  })

  it.each([
    { type: 'color', value: 'red' },
    { type: 'color', value: 'url(x)' },
    { type: 'image', value: '../secret.jpg' },
    { type: 'image', value: 'sub/dir.jpg' },
    { type: 'image', value: 'C:\\lobby.jpg' },
    { type: 'image', value: '.hidden.jpg' },
    { type: 'image', value: 'clip.webm' },
    { type: 'video', value: 'photo.png' },
    { type: 'video', value: '' },
    { type: 'gradient', value: 'url(https://example.com/x.png)' },
    { type: 'gradient', value: 'linear-gradient(red, blue), url(x.png)' },
    { type: 'gradient', value: '#ff0000' },
    { type: 'picture', value: 'x.jpg' },
    { type: 'color', value: '#123456', fallbackColor: 'black' },
    { type: 'color', value: '#123' },
  ])('rejects %o', (input) => {
    expect(BackgroundSettingsSchema.safeParse(input).success).toBe(false)
  })
})

describe('isSafeCssGradient', () => {
  it.each([
    'linear-gradient(red, blue)',
    'linear-gradient(to right, #000 0%, #fff 100%)',
    'radial-gradient(ellipse at 50% 35%, #3b4a63 0%, #1b2230 70%)',
    'conic-gradient(from 90deg at 50% 50%, oklch(70% 0.1 250), rgb(0 0 0 / 50%))',
    'repeating-linear-gradient(45deg, hsl(210 30% 20%) 0 10px, hsla(210, 30%, 25%, 0.9) 10px 20px)',
    'linear-gradient(calc(90deg - 10deg), #123456, #abcdef), radial-gradient(circle, transparent, #000)',
  ])('accepts %s', (value) => {
    expect(isSafeCssGradient(value)).toBe(true)
  })

  it.each([
    '',
    'red',
    'url(a.png)',
    'linear-gradient(red, blue) url(a.png)',
    'linear-gradient(url(a.png), blue)',
    'linear-gradient(red, blue), url(a.png)',
    'image-set("a.png" 1x)',
    'linear-gradient(var(--x), blue)',
    'linear-gradient(red, blue); background: url(a.png)',
    'linear-gradient(red, blue)}body{background:red',
    'linear-gradient("red", blue)',
    "linear-gradient('red', blue)",
    'linear-gradient(u\\72l(a.png), blue)',
    'linear-gradient(red, blue) /* comment */',
    'linear-gradient (red, blue)',
    'linear-gradient(rgb (0,0,0), blue)',
    'linear-gradient(red, (blue))',
    'linear-gradient(red, blue',
    'linear-gradient(red, blue))',
    'linear-gradient(red, blue),',
    ', linear-gradient(red, blue)',
    'linear-gradient(red, blue) linear-gradient(red, blue)',
    'linear-gradient(element(#x), blue)',
    'linear-gradient(red, blue) !important',
    `linear-gradient(${'rgb('.repeat(5)}0,0,0${')'.repeat(5)}, blue)`,
    `linear-gradient(${'red, '.repeat(400)}blue)`,
  ])('rejects %s', (value) => {
    expect(isSafeCssGradient(value)).toBe(false)
  })
})

describe('avatar placement settings', () => {
  it('defaults both orientations, cropping the sides in portrait', () => {
    expect(DEFAULT_PLACEMENT.landscape).toEqual({
      fit: 'contain',
      scale: 1,
      x: 0.5,
      y: 1,
      crop: { top: 0, right: 0, bottom: 0, left: 0 },
    })
    expect(DEFAULT_PLACEMENT.portrait.crop).toEqual({ top: 0, right: 0.2, bottom: 0, left: 0.2 })
  })

  it('fills a partially given orientation', () => {
    const parsed = AvatarPlacementSchema.parse({ portrait: { fit: 'cover', crop: { top: 0.1 } } })
    expect(parsed.portrait).toEqual({
      fit: 'cover',
      scale: 1,
      x: 0.5,
      y: 1,
      crop: { top: 0.1, right: 0, bottom: 0, left: 0 },
    })
  })

  it.each([
    { landscape: { fit: 'stretch' } },
    { landscape: { scale: 0 } },
    { portrait: { x: 1.2 } },
    { portrait: { crop: { left: 0.5 } } },
  ])('rejects %o', (input) => {
    expect(AvatarPlacementSchema.safeParse(input).success).toBe(false)
  })
})
