import { expect, test } from '@playwright/test'
import type { StaticServer } from '../support/harness'
import { chromiumLaunchOptions } from '../support/chromium'
import { CHROMA_GREEN, SKIN } from './harness/synthetic-frame'
import { call, near, openHarness, pixelAt, screenshotPixels, serveHarness } from './support'

// A Chromium with WebGL2 switched off: the compositor must fall back to showing the video element itself.
test.use({ launchOptions: chromiumLaunchOptions(['--disable-webgl2']) })

let server: StaticServer
test.beforeAll(async () => {
  server = await serveHarness()
})
test.afterAll(async () => {
  await server.close()
})

test('without WebGL2 the compositor shows the plain video', async ({ page }) => {
  await openHarness(page, server)
  expect(await call(page, 'webgl2')).toBe(false)
  const still = await call(page, 'keyStill', { screen: CHROMA_GREEN })
  expect(still).toMatchObject({
    drawn: false,
    read: false,
    mode: 'plain',
    renderer: '',
    modes: ['plain: WebGL2 is unavailable'],
  })

  await call(page, 'startLive', { screen: CHROMA_GREEN, background: '#c03080' })
  expect(await call(page, 'liveState')).toMatchObject({
    mode: 'plain',
    videoVisibility: 'visible',
    canvasVisibility: 'hidden',
  })
  await expect
    .poll(async () => {
      const shot = await screenshotPixels(page, '#live')
      return near(pixelAt(shot, 40, 48), CHROMA_GREEN, 16) && near(pixelAt(shot, 180, 48), SKIN, 10)
    })
    .toBe(true)
  expect(await call(page, 'cspViolations')).toEqual([])
})
