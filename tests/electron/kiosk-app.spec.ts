import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import { findElectronBinary } from '../../scripts/electron-binary'
import { CALL_NAMES, EVENT_NAMES } from '../../src/shared/contract'
import { subscriberName, type KioskBridge } from '../../src/shared/bridge-api'

/**
 * The real Electron shell. Electron 45 downloads its binary on first run, which is impossible offline, so on
 * such machines these tests skip and say why; everything behind the shell is covered through the web host.
 */
const binary = findElectronBinary()
const skipReason =
  binary === undefined
    ? 'no Electron binary on this machine (node_modules/electron/dist is missing and it cannot be downloaded offline)'
    : process.platform === 'linux' && !process.env.DISPLAY
      ? 'no display server (run under xvfb-run)'
      : undefined
if (skipReason) console.log(`[electron e2e] skipped: ${skipReason}`)

test.describe('Electron kiosk shell', () => {
  test.skip(skipReason !== undefined, skipReason)

  let app: ElectronApplication
  let page: Page
  let dataDir: string

  test.beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kiosk-electron-'))
    app = await electron.launch({ executablePath: binary, args: ['.', '--data-dir', dataDir] })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  })

  test.afterEach(async () => {
    await app?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  test('loads from app:// with a sandboxed, isolated renderer and only the contract on window.kiosk', async () => {
    expect(page.url()).toBe('app://kiosk/index.html')
    const exposed = await page.evaluate(() => ({
      keys: Object.keys((window as unknown as { kiosk?: KioskBridge }).kiosk ?? {}).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }))
    expect(exposed.keys).toEqual([...CALL_NAMES, ...EVENT_NAMES.map((name) => subscriberName(name))].sort())
    expect(exposed.require).toBe('undefined')
    expect(exposed.process).toBe('undefined')
    const csp = await page.evaluate(async () =>
      (await fetch('app://kiosk/index.html')).headers.get('content-security-policy'),
    )
    expect(csp).toContain("default-src 'self'")
  })

  test('the bridge answers, and navigation and new windows are blocked', async () => {
    const settings = await page.evaluate(() =>
      (window as unknown as { kiosk?: KioskBridge }).kiosk?.getSettings(),
    )
    expect(settings?.ok).toBe(true)
    const opened = await page.evaluate(() => window.open('https://example.com') === null)
    expect(opened).toBe(true)
    await page.evaluate(() => {
      window.location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe('app://kiosk/index.html')
  })

  test('camera access is denied while the page is ours', async () => {
    const video = await page.evaluate(() =>
      navigator.mediaDevices.getUserMedia({ video: true }).then(
        () => 'granted',
        (error: Error) => error.name,
      ),
    )
    expect(video).not.toBe('granted')
  })
})
