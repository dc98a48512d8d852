import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, expect, test, type Browser, type Page } from '@playwright/test'
import { faceDetectorModelFiles } from '../../scripts/vite-copy-assets'
import { buildRendererCsp } from '../../src/main/security/csp'
import { chromiumLaunchOptions } from './support/chromium'
import { serveStatic, type StaticServer } from './support/harness'
import { buildPresenceHarness } from './presence/harness/build'
import type { PresenceHarness } from './presence/harness/main'
import { fakeCameraArgs, writeScene, type SceneName } from './presence/harness/scenes'

/**
 * Camera wake end to end: the real startFacePresence, its worker and face-api's tiny face detector, in
 * Chromium under the kiosk's production CSP, looking at a fake camera that plays a real photograph (from
 * @vladmandic/face-api's own tarball): it must wake for a face and never for the empty scene.
 */

// page.evaluate callbacks run in the page; this only gives them their type here.
declare const window: { presenceHarness: PresenceHarness }

const ROOT = resolve(import.meta.dirname, '../..')
const SCENE_DIR = resolve(ROOT, '.tmp/presence-scenes')

test.describe.serial('face presence', () => {
  let server: StaticServer
  const scenes = {} as Record<SceneName, string>

  test.beforeAll(async () => {
    test.setTimeout(90_000)
    const [dir, face, empty] = await Promise.all([
      buildPresenceHarness('presence'),
      writeScene('face', SCENE_DIR),
      writeScene('empty', SCENE_DIR),
    ])
    scenes.face = face
    scenes.empty = empty
    // The kiosk's real policy, on every response (the worker script gets it too).
    const csp = buildRendererCsp({ providerKind: 'liveavatar', providerBaseUrl: 'http://127.0.0.1:9' })
    server = await serveStatic(dir, { 'content-security-policy': csp })
  })

  test.afterAll(async () => {
    await server?.close()
  })

  async function openHarness(scene: SceneName): Promise<{ browser: Browser; page: Page; errors: string[] }> {
    const browser = await chromium.launch(chromiumLaunchOptions(fakeCameraArgs(scenes[scene])))
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${server.url}/index.html`)
    await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' })
    return { browser, page, errors }
  }

  test('wakes for a face, from weights served by our own origin, and releases the camera on stop', async () => {
    test.setTimeout(90_000)
    const { browser, page, errors } = await openHarness('face')
    try {
      const servedBytes = await page.evaluate(async () => {
        const response = await fetch('./face/tiny_face_detector_model.bin')
        return response.ok ? (await response.arrayBuffer()).byteLength : -1
      })
      const shippedBin = faceDetectorModelFiles(ROOT).find((file) => file.endsWith('.bin'))
      expect(servedBytes).toBe(statSync(shippedBin ?? '').size)

      const starting = Date.now()
      await page.evaluate(() => window.presenceHarness.start({ fps: 3 }))
      console.log(
        `started in ${Date.now() - starting} ms, backend: ${await page.evaluate(() => window.presenceHarness.backend)}`,
      )
      await expect
        .poll(() => page.evaluate(() => window.presenceHarness.events), { timeout: 15_000 })
        .toContainEqual(expect.objectContaining({ seen: true }))
      const harness = await page.evaluate(() => ({
        frames: window.presenceHarness.frames,
        events: window.presenceHarness.events,
        logs: window.presenceHarness.logs,
      }))
      console.log(`face scene: ${JSON.stringify(harness.frames)}`)
      const faces = harness.frames.filter((frame) => frame.face)
      expect(faces.length).toBeGreaterThanOrEqual(2)
      for (const frame of faces) expect(frame.score).toBeGreaterThanOrEqual(0.5)
      expect(harness.events[0]).toMatchObject({ seen: true })

      const stopping = Date.now()
      await page.evaluate(() => window.presenceHarness.stop())
      expect(await page.evaluate(() => window.presenceHarness.cameraStopped())).toBe(true)
      console.log(`stopped in ${Date.now() - stopping} ms`)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  })

  test('never wakes for the empty scene over 5 s of frames', async () => {
    test.setTimeout(90_000)
    const { browser, page, errors } = await openHarness('empty')
    try {
      await page.evaluate(() => window.presenceHarness.start({ fps: 3 }))
      const started = Date.now()
      // At least 5 s and at least 10 analysed frames: on a busy machine the detector may run below 3 fps.
      await expect
        .poll(() => page.evaluate(() => window.presenceHarness.frames.length), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(10)
      await page.waitForTimeout(Math.max(0, 5_000 - (Date.now() - started)))
      const harness = await page.evaluate(() => ({
        frames: window.presenceHarness.frames,
        events: window.presenceHarness.events,
      }))
      const bestScore = Math.max(0, ...harness.frames.map((frame) => frame.score))
      console.log(
        `empty scene: ${harness.frames.length} frames in ${Date.now() - started} ms, best score ${bestScore}`,
      )
      expect(harness.frames.filter((frame) => frame.face)).toEqual([])
      expect(harness.events).toEqual([])
      await page.evaluate(() => window.presenceHarness.stop())
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
