import { mkdir, writeFile } from 'node:fs/promises'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { registerAppScheme, serveAppProtocol } from '../../../src/main/electron/app-protocol'
import { useTempDirs } from '../support/temp-dir'

const electron = vi.hoisted(() => ({
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  privileged: [] as unknown[],
}))

vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => electron.privileged.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      electron.handlers.set(scheme, handler)
    },
  },
  net: {
    // Electron's net.fetch reads file:// URLs; here the file system does.
    fetch: async (url: string) => {
      try {
        return new Response(await readFile(fileURLToPath(url)), { status: 200 })
      } catch {
        return new Response('missing', { status: 404 })
      }
    },
  },
}))

const tempDir = useTempDirs()
const CSP = "default-src 'self'"

beforeEach(() => {
  electron.handlers.clear()
  electron.privileged.length = 0
})

async function serve() {
  const root = await tempDir()
  const rendererDir = join(root, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>')
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  await writeFile(join(root, 'secret.txt'), 'outside the renderer')
  const csp = vi.fn(async () => CSP)
  // Background media has its own resolver (another module); these tests cover the renderer files.
  const media = { resolveBackground: vi.fn(async () => undefined) }
  serveAppProtocol(rendererDir, media as unknown as Parameters<typeof serveAppProtocol>[1], csp)
  const handler = electron.handlers.get('app')
  if (!handler) throw new Error('app:// handler not registered')
  return { get: (url: string) => handler(new Request(url)), csp }
}

describe('registerAppScheme', () => {
  it('registers app:// as a standard, secure scheme', () => {
    registerAppScheme()
    expect(electron.privileged).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({
          standard: true,
          secure: true,
          supportFetchAPI: true,
        }) as object,
      },
    ])
  })
})

describe('serveAppProtocol', () => {
  it('serves pages with the CSP and nosniff, and assets with their type', async () => {
    const { get } = await serve()
    const page = await get('app://kiosk/index.html')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CSP)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toContain('<title>kiosk</title>')

    const root = await get('app://kiosk/')
    expect(root.headers.get('content-security-policy')).toBe(CSP)

    const script = await get('app://kiosk/assets/app.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
  })

  it.each([
    'app://evil/index.html',
    'app://kiosk/missing.html',
    'app://kiosk/..%2fsecret.txt',
    'app://kiosk/%2e%2e%2fsecret.txt',
    'app://kiosk/assets/..%2f..%2fsecret.txt',
  ])('answers 404 for %s', async (url) => {
    const { get } = await serve()
    const response = await get(url)
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('outside the renderer')
  })
})
