import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { buildRendererCsp } from '../../../src/main/security/csp'
import { buildHarness, serveStatic, type StaticServer } from '../support/harness'
import type { ChromaHarness } from './harness/main'

/** The app renderer's real policy: the harness must run under it unchanged. */
export const RENDERER_CSP = buildRendererCsp({
  providerKind: 'liveavatar',
  providerBaseUrl: 'http://127.0.0.1',
})

let built: Promise<string> | undefined

/** Builds the harness once per worker, with the sample backgrounds and a few broken files next to it. */
export function harnessDir(): Promise<string> {
  built ??= (async () => {
    const dir = await buildHarness('tests/e2e/compositor/harness', 'compositor')
    const backgrounds = join(dir, 'backgrounds')
    await mkdir(backgrounds, { recursive: true })
    const samples = resolve('resources/backgrounds')
    for (const name of await readdir(samples)) {
      if (!name.endsWith('.md')) await copyFile(join(samples, name), join(backgrounds, name))
    }
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))
    await writeFile(join(backgrounds, 'corrupt.jpg'), garbage)
    await writeFile(join(backgrounds, 'corrupt.webm'), garbage)
    await writeFile(join(backgrounds, 'text.png'), 'this is not an image\n')
    return dir
  })()
  return built
}

export async function serveHarness(): Promise<StaticServer> {
  return serveStatic(await harnessDir(), { 'content-security-policy': RENDERER_CSP })
}

export async function openHarness(page: Page, server: StaticServer): Promise<void> {
  await page.goto(`${server.url}/index.html`)
  // A locator, not waitForFunction: that one evaluates a string in the page, which the CSP blocks as eval.
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' })
}

type Methods = ChromaHarness
/** Calls a harness function in the page. */
export function call<K extends keyof Methods>(
  page: Page,
  name: K,
  ...args: Parameters<Methods[K]>
): Promise<Awaited<ReturnType<Methods[K]>>> {
  return page.evaluate(
    ([method, params]) => {
      const harness = (
        globalThis as unknown as { chromaHarness: Record<string, (...a: unknown[]) => unknown> }
      ).chromaHarness
      return harness[method]?.(...params)
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Methods[K]>>>
}

export interface Pixels {
  width: number
  height: number
  pixels: number[]
}

export function pixelAt(image: Pixels, x: number, y: number): [number, number, number, number] {
  const i = (y * image.width + x) * 4
  const p = image.pixels
  return [p[i] ?? -1, p[i + 1] ?? -1, p[i + 2] ?? -1, p[i + 3] ?? -1]
}

/** A screenshot of one element, decoded to RGBA in the page. */
export async function screenshotPixels(page: Page, selector: string): Promise<Pixels> {
  const png = await page.locator(selector).screenshot({ animations: 'disabled' })
  return call(page, 'decodePng', png.toString('base64'))
}

export function near(actual: readonly number[], expected: readonly number[], tolerance: number): boolean {
  return expected.every((value, i) => Math.abs((actual[i] ?? Infinity) - value) <= tolerance)
}

/** Every test opens the harness page afresh, and must end without a CSP violation. */
export function useHarnessPage(): void {
  let server: StaticServer
  test.beforeAll(async () => {
    server = await serveHarness()
  })
  test.afterAll(async () => {
    await server.close()
  })
  test.beforeEach(async ({ page }) => {
    await openHarness(page, server)
  })
  test.afterEach(async ({ page }) => {
    expect(await call(page, 'cspViolations')).toEqual([])
  })
}
