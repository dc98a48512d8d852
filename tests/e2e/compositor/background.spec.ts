import { expect, test, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../support/chromium'
import { call, useHarnessPage } from './support'

test.use({ launchOptions: chromiumLaunchOptions(['--enable-unsafe-swiftshader']) })

useHarnessPage()

const state = (page: Page) => call(page, 'backgroundState')
const FALLBACK = '#102030'
const FALLBACK_RGB = 'rgb(16, 32, 48)'

test('a colour fills the stage', async ({ page }) => {
  await call(page, 'applyBackground', { type: 'color', value: '#a0b0c0', fallbackColor: FALLBACK })
  expect(await state(page)).toMatchObject({
    backgroundColor: 'rgb(160, 176, 192)',
    backgroundImage: 'none',
    childCount: 0,
    fallbacks: [],
  })
})

test('a gradient is painted over the fallback colour', async ({ page }) => {
  await call(page, 'applyBackground', {
    type: 'gradient',
    value: 'radial-gradient(circle at 50% 30%, #1f4058, #0b1d2a)',
    fallbackColor: FALLBACK,
  })
  const shown = await state(page)
  expect(shown.backgroundImage).toMatch(/^radial-gradient\(/)
  expect(shown).toMatchObject({ backgroundColor: FALLBACK_RGB, fallbacks: [] })
})

test('a gradient the browser cannot parse falls back to the colour and says why', async ({ page }) => {
  // Safe by the schema (no url(), only allowed tokens) but not valid CSS: a missing comma.
  await call(page, 'applyBackground', {
    type: 'gradient',
    value: 'linear-gradient(red blue)',
    fallbackColor: FALLBACK,
  })
  const shown = await state(page)
  expect(shown).toMatchObject({ backgroundImage: 'none', backgroundColor: FALLBACK_RGB })
  expect(shown.fallbacks).toEqual(['background gradient is not valid CSS: linear-gradient(red blue)'])
})

test('an image from the data folder covers the stage', async ({ page }) => {
  await call(page, 'applyBackground', { type: 'image', value: 'lobby-warm.jpg', fallbackColor: FALLBACK })
  await expect
    .poll(async () => (await state(page)).media)
    .toMatchObject({ tag: 'img', visible: true, width: 1920 })
  expect(await state(page)).toMatchObject({ backgroundColor: FALLBACK_RGB, fallbacks: [], childCount: 1 })
})

test('a looping muted video plays, and re-applying it does not restart it', async ({ page }) => {
  const setting = { type: 'video', value: 'ambient-loop.webm', fallbackColor: FALLBACK }
  await call(page, 'applyBackground', setting)
  await expect
    .poll(async () => (await state(page)).media)
    .toMatchObject({ tag: 'video', visible: true, width: 1280, loop: true, muted: true, paused: false })
  await expect.poll(async () => (await state(page)).media?.currentTime ?? 0).toBeGreaterThan(0.5)
  const before = (await state(page)).media?.currentTime ?? 0

  // Same file, new fallback colour: the colour changes, the video keeps playing from where it was.
  await call(page, 'applyBackground', { ...setting, fallbackColor: '#203040' })
  const after = await state(page)
  expect(after.backgroundColor).toBe('rgb(32, 48, 64)')
  expect(after.childCount).toBe(1)
  expect(after.media?.currentTime ?? 0).toBeGreaterThanOrEqual(before)
  expect(after.fallbacks).toEqual([])

  await call(page, 'applyBackground', { type: 'color', value: '#a0b0c0', fallbackColor: FALLBACK })
  expect(await state(page)).toMatchObject({
    childCount: 0,
    media: null,
    backgroundColor: 'rgb(160, 176, 192)',
  })
})

for (const [type, value, expected] of [
  ['image', 'missing.jpg', 'background image "missing.jpg" could not be loaded'],
  ['image', 'corrupt.jpg', 'background image "corrupt.jpg" could not be loaded'],
  ['image', 'text.png', 'background image "text.png" could not be loaded'],
  ['video', 'missing.webm', 'background video "missing.webm" could not be played'],
  ['video', 'corrupt.webm', 'background video "corrupt.webm" could not be played'],
] as const) {
  test(`a ${value} ${type} falls back to the colour and says why`, async ({ page }) => {
    await call(page, 'applyBackground', { type, value, fallbackColor: FALLBACK })
    await expect.poll(async () => (await state(page)).fallbacks.length).toBe(1)
    const shown = await state(page)
    expect(shown.fallbacks[0]).toContain(expected)
    expect(shown).toMatchObject({
      backgroundColor: FALLBACK_RGB,
      backgroundImage: 'none',
      childCount: 0,
      media: null,
    })
  })
}

test('settings changed in quick succession: only the last background counts, earlier files report nothing', async ({
  page,
}) => {
  await call(page, 'applyBackground', [
    { type: 'image', value: 'missing.jpg', fallbackColor: FALLBACK },
    { type: 'video', value: 'corrupt.webm', fallbackColor: FALLBACK },
    { type: 'image', value: 'studio-blue.jpg', fallbackColor: FALLBACK },
  ])
  await expect
    .poll(async () => (await state(page)).media)
    .toMatchObject({ tag: 'img', visible: true, width: 1920 })
  await page.waitForTimeout(500)
  expect(await state(page)).toMatchObject({ fallbacks: [], childCount: 1 })
})

test('destroy removes everything it added', async ({ page }) => {
  await call(page, 'applyBackground', { type: 'video', value: 'ambient-loop.webm', fallbackColor: FALLBACK })
  await call(page, 'destroyBackground')
  expect(await state(page)).toMatchObject({
    childCount: 0,
    backgroundImage: 'none',
    backgroundColor: 'rgba(0, 0, 0, 0)',
  })
})
