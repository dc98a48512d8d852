import { expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../support/chromium'
import { CHROMA_GREEN, HAIR, REGIONS, SHIRT, SKIN, sourceColumn, type Rgb3 } from './harness/synthetic-frame'
import type { StillInput } from './harness/main'
import { call, near, pixelAt, screenshotPixels, useHarnessPage, type Pixels } from './support'

// SwiftShader is Chromium's CPU WebGL; say so explicitly rather than rely on the automatic fallback.
test.use({ launchOptions: chromiumLaunchOptions(['--enable-unsafe-swiftshader']) })

useHarnessPage()

const ROWS = [4, 48, 91]
const columns = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)
/** Output colour with the premultiplication undone, and its alpha. */
function straight(image: Pixels, x: number, y: number): { rgb: [number, number, number]; alpha: number } {
  const [r, g, b, a] = pixelAt(image, x, y)
  const scale = a === 0 ? 0 : 255 / a
  return { rgb: [r * scale, g * scale, b * scale], alpha: a }
}
/** How far the key channel (green) stands above the others: the visible cast. */
const greenExcess = ([r, g, b]: readonly number[]): number => (g ?? 0) - Math.max(r ?? 0, b ?? 0)

/**
 * Every pixel test runs on both keying paths: the WebGL shader (`gpu`) and the CPU keyer that the automatic
 * choice uses where WebGL is software (`cpu`), forced by the setting.
 */
const PATHS = [
  { renderer: 'gpu', mode: 'webgl', reason: 'keying on the GPU' },
  { renderer: 'cpu', mode: 'cpu', reason: 'keying on the CPU (set in the settings)' },
] as const

for (const { renderer, mode, reason } of PATHS) {
  const keyStill = (page: Page, input: StillInput) =>
    call(page, 'keyStill', { ...input, chromaKey: { ...input.chromaKey, renderer } })

  test.describe(`keying a still frame (${renderer})`, () => {
    test('screen becomes transparent, the figure stays, edges blend and spill is removed', async ({
      page,
    }) => {
      const out = await keyStill(page, { screen: CHROMA_GREEN })
      expect(out).toMatchObject({ drawn: true, read: true, mode, width: 320, height: 96 })
      expect(out.renderer).not.toBe('')

      for (const y of ROWS) {
        for (const x of [...columns(2, 98), ...columns(225, 318)]) {
          expect(pixelAt(out, x, y)[3], `screen at ${x},${y}`).toBeLessThanOrEqual(2)
        }
        for (const [region, color] of [
          [REGIONS.shirt, SHIRT],
          [REGIONS.skin, SKIN],
          [REGIONS.hair, HAIR],
        ] as const) {
          for (const x of columns(region[0] + 3, region[1] - 3)) {
            const [r, g, b, a] = pixelAt(out, x, y)
            expect(a, `figure alpha at ${x},${y}`).toBeGreaterThanOrEqual(253)
            expect(near([r, g, b], color, 3), `figure colour at ${x},${y}: ${[r, g, b]} vs ${color}`).toBe(
              true,
            )
          }
        }
      }

      // The 10 px soft edge: alpha climbs from transparent to opaque through several partial steps.
      const y = 48
      const edge = columns(...REGIONS.softEdge).map((x) => pixelAt(out, x, y)[3])
      expect(edge[0]).toBeLessThan(30)
      expect(edge[edge.length - 1]).toBeGreaterThan(225)
      for (let i = 1; i < edge.length; i += 1) expect(edge[i]).toBeGreaterThanOrEqual((edge[i - 1] ?? 0) - 2)
      expect(
        edge.filter((alpha) => alpha > 20 && alpha < 235).length,
        `edge alphas ${edge}`,
      ).toBeGreaterThanOrEqual(3)

      // Spill: the band reflects 30 % screen; its green cast (20 levels) must be mostly gone, the rest kept.
      for (const x of columns(REGIONS.spill[0] + 2, REGIONS.spill[1] - 2)) {
        const source = sourceColumn(x, CHROMA_GREEN).color
        const { rgb, alpha } = straight(out, x, y)
        expect(alpha).toBeGreaterThanOrEqual(250)
        expect(greenExcess(source)).toBeGreaterThanOrEqual(18)
        expect(greenExcess(rgb), `spill at ${x}: ${rgb.map(Math.round)}`).toBeLessThanOrEqual(5)
        expect(Math.abs(rgb[0] - source[0]) + Math.abs(rgb[2] - source[2])).toBeLessThanOrEqual(6)
      }

      // Semi-transparent edge pixels carry no green fringe either.
      for (const x of columns(REGIONS.softEdge[0] + 3, REGIONS.softEdge[1])) {
        const { rgb } = straight(out, x, y)
        expect(greenExcess(rgb), `fringe at ${x}: ${rgb.map(Math.round)}`).toBeLessThanOrEqual(6)
      }
    })

    test('without spill suppression the cast stays (the spill check can fail)', async ({ page }) => {
      const out = await keyStill(page, { screen: CHROMA_GREEN, chromaKey: { spill: 0 } })
      for (const x of columns(REGIONS.spill[0] + 2, REGIONS.spill[1] - 2)) {
        expect(greenExcess(straight(out, x, 48).rgb)).toBeGreaterThanOrEqual(17)
      }
    })

    test('the old demo threshold would leave a hard edge; ours is soft (compare the same frame)', async ({
      page,
    }) => {
      const out = await keyStill(page, { screen: CHROMA_GREEN })
      const demo = columns(...REGIONS.softEdge).map((x) => {
        const [r, g, b] = sourceColumn(x, CHROMA_GREEN).color
        return g > 90 && r < 90 && b < 90 ? 0 : 255
      })
      expect(new Set(demo)).toEqual(new Set([0, 255]))
      const ours = columns(...REGIONS.softEdge).map((x) => pixelAt(out, x, 48)[3])
      expect(ours.some((alpha) => alpha > 20 && alpha < 235)).toBe(true)
    })

    for (const screen of [
      [101, 216, 65],
      [30, 80, 210],
    ] as Rgb3[]) {
      test(`picks the key colour ${screen} from the frame's border`, async ({ page }) => {
        const out = await keyStill(page, { screen })
        const picked = [1, 3, 5].map((i) => Number.parseInt(out.keyColor.slice(i, i + 2), 16))
        expect(near(picked, screen, 3), `picked ${out.keyColor}`).toBe(true)
        for (const x of [...columns(2, 98), ...columns(225, 318)])
          expect(pixelAt(out, x, 48)[3]).toBeLessThanOrEqual(2)
        for (const [region, color] of [
          [REGIONS.skin, SKIN],
          [REGIONS.hair, HAIR],
        ] as const) {
          for (const x of columns(region[0] + 3, region[1] - 3)) {
            const [r, g, b, a] = pixelAt(out, x, 48)
            expect(a).toBeGreaterThanOrEqual(253)
            expect(near([r, g, b], color, 3), `figure at ${x}: ${[r, g, b]}`).toBe(true)
          }
        }

        // Control: with the pick off, the configured green does not match this screen.
        const manual = await keyStill(page, { screen, chromaKey: { autoKeyColor: false } })
        expect(manual.keyColor).toBe('#00b140')
        expect(pixelAt(manual, 50, 48)[3]).toBeGreaterThan(100)
      })
    }

    test('erosion pulls the matte in from both edges', async ({ page }) => {
      const firstOpaque = (image: Pixels): number =>
        columns(90, 140).find((x) => pixelAt(image, x, 48)[3] >= 250) ?? -1
      const lastOpaque = (image: Pixels): number =>
        columns(190, 240)
          .reverse()
          .find((x) => pixelAt(image, x, 48)[3] >= 250) ?? -1
      const plain = await keyStill(page, { screen: CHROMA_GREEN })
      const eroded = await keyStill(page, { screen: CHROMA_GREEN, chromaKey: { erosion: 4 } })
      expect(firstOpaque(eroded) - firstOpaque(plain)).toBeGreaterThanOrEqual(2)
      expect(lastOpaque(plain) - lastOpaque(eroded)).toBeGreaterThanOrEqual(2)
      // The inside of the figure is untouched.
      expect(near(pixelAt(eroded, 180, 48), [...SKIN, 255], 3)).toBe(true)
    })

    test('places the avatar on a portrait screen: sides cropped, standing on the bottom edge', async ({
      page,
    }) => {
      // 320x96 frame, 20 % cut each side: 192x96 contained in 96x320 is 96x48 at the bottom (y 272..320).
      const out = await keyStill(page, { screen: CHROMA_GREEN, width: 96, height: 320 })
      expect(out).toMatchObject({ width: 96, height: 320 })
      for (const y of [10, 150, 268]) {
        for (const x of [0, 30, 58, 95]) expect(pixelAt(out, x, y)[3], `above the avatar ${x},${y}`).toBe(0)
      }
      const at = (sourceX: number): [number, number, number, number] =>
        pixelAt(out, Math.floor((sourceX - 64) * 0.5), 296)
      expect(near(at(180), [...SKIN, 255], 4), `skin ${at(180)}`).toBe(true)
      expect(near(at(140), [...SHIRT, 255], 4), `shirt ${at(140)}`).toBe(true)
      expect(near(at(210), [...HAIR, 255], 4), `hair ${at(210)}`).toBe(true)
      expect(pixelAt(out, 2, 296)[3]).toBe(0)
    })

    test('never keys more pixels than the frame has: a small frame on a large canvas renders at its own size', async ({
      page,
    }) => {
      // The 320x96 frame shown three times larger: the drawing buffer shrinks to the frame, the browser scales up.
      const out = await keyStill(page, { screen: CHROMA_GREEN, width: 960, height: 288 })
      expect(out).toMatchObject({ width: 320, height: 96, drawn: true })
      expect(near(pixelAt(out, 180, 48), [...SKIN, 255], 4)).toBe(true)
      expect(pixelAt(out, 40, 48)[3]).toBe(0)
    })

    test('scales and positions the avatar on a landscape screen', async ({ page }) => {
      const out = await keyStill(page, {
        screen: CHROMA_GREEN,
        placement: { landscape: { scale: 0.5, x: 1, y: 0 } },
      })
      // Half size in the top-right corner: source x maps to 160 + x / 2, rows 0..48.
      expect(near(pixelAt(out, 160 + 90, 24), [...SKIN, 255], 4)).toBe(true)
      expect(pixelAt(out, 160 + 90, 72)[3]).toBe(0)
      expect(pixelAt(out, 90, 24)[3]).toBe(0)
    })
  })

  async function startLive(page: Page, chromaKey = {}): Promise<void> {
    await call(page, 'startLive', {
      screen: CHROMA_GREEN,
      background: '#c03080',
      chromaKey: { ...chromaKey, renderer },
    })
  }

  /** The live stage as a visitor sees it, sampled in the screen area and on the skin. */
  async function looks(page: Page): Promise<{ screen: number[]; skin: number[] }> {
    const shot = await screenshotPixels(page, '#live')
    return { screen: pixelAt(shot, 40, 48).slice(0, 3), skin: pixelAt(shot, 180, 48).slice(0, 3) }
  }
  const BACKGROUND = [0xc0, 0x30, 0x80]
  const keyedOverBackground = (look: { screen: number[] }): boolean => near(look.screen, BACKGROUND, 6)
  // The MediaStream path converts to YUV and back, so the plain green comes out a few levels off.
  const plainGreen = (look: { screen: number[] }): boolean => near(look.screen, CHROMA_GREEN, 16)

  test.describe(`keying the live video (${renderer})`, () => {
    test('draws the stream keyed over the background, with the video element hidden', async ({ page }) => {
      await startLive(page)
      await expect.poll(async () => (await call(page, 'liveState')).mode).toBe(mode)
      await expect.poll(async () => keyedOverBackground(await looks(page))).toBe(true)
      expect(near((await looks(page)).skin, SKIN, 8)).toBe(true)
      const state = await call(page, 'liveState')
      expect(state).toMatchObject({
        videoVisibility: 'hidden',
        canvasVisibility: 'visible',
        videoPlaying: true,
      })
    })

    test('a lost WebGL context shows the plain video, then recovers when restored', async ({ page }) => {
      test.skip(renderer === 'cpu', 'the CPU keyer draws into a 2D canvas: there is no WebGL context to lose')
      await startLive(page)
      await expect.poll(async () => keyedOverBackground(await looks(page))).toBe(true)

      expect(await call(page, 'loseContext')).toBe(true)
      await expect.poll(async () => (await call(page, 'liveState')).mode).toBe('plain')
      await expect.poll(async () => plainGreen(await looks(page))).toBe(true)
      expect(await call(page, 'liveState')).toMatchObject({
        videoVisibility: 'visible',
        canvasVisibility: 'hidden',
      })

      await call(page, 'restoreContext')
      await expect.poll(async () => (await call(page, 'liveState')).mode).toBe(mode)
      await expect.poll(async () => keyedOverBackground(await looks(page))).toBe(true)
      expect(near((await looks(page)).skin, SKIN, 8)).toBe(true)
      expect((await call(page, 'liveState')).modes).toEqual([
        `${mode}: ${reason}`,
        'plain: the WebGL context was lost',
        `${mode}: the WebGL context was restored`,
      ])
    })

    test('settings apply live: chroma key off shows the plain video, on keys it again', async ({ page }) => {
      await startLive(page)
      await expect.poll(async () => keyedOverBackground(await looks(page))).toBe(true)

      await call(page, 'updateLive', { enabled: false })
      expect((await call(page, 'liveState')).mode).toBe('plain')
      await expect.poll(async () => plainGreen(await looks(page))).toBe(true)

      await call(page, 'updateLive', { enabled: true, similarity: 0.1, smoothness: 0.05 })
      expect((await call(page, 'liveState')).mode).toBe(mode)
      await expect.poll(async () => keyedOverBackground(await looks(page))).toBe(true)
      expect((await call(page, 'liveState')).modes).toEqual([
        `${mode}: ${reason}`,
        'plain: chroma key is off',
        `${mode}: chroma key is on`,
      ])
    })
  })
}
