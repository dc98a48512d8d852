import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { request } from 'node:http'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { waitForLive } from './support/kiosk'
import { bridgeCall, launchWebHost, type RunningWebHost } from './support/web-host'

/** fetch() cannot forge a Host header, so DNS-rebinding is simulated with a raw request. */
function statusWithHost(host: RunningWebHost, hostHeader: string): Promise<number | undefined> {
  return new Promise((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path: `/?token=${host.token}`, headers: { Host: hostHeader } },
      (res) => {
        res.resume()
        done(res.statusCode)
      },
    )
    req.on('error', fail)
    req.end()
  })
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
    ),
  )
  return nested.flat()
}

test.describe('web host', () => {
  let host: RunningWebHost

  test.beforeEach(async () => {
    host = await launchWebHost()
  })

  test.afterEach(async () => {
    await host.stop()
  })

  test('prints exactly one JSON ready line within 10 s, bound to 127.0.0.1', async () => {
    expect(host.readyAfterMs).toBeLessThan(10_000)
    expect(new URL(host.url).hostname).toBe('127.0.0.1')
    expect(host.token.length).toBeGreaterThanOrEqual(32)
    // Give the host a moment to print anything else it might (it must not).
    await new Promise((done) => setTimeout(done, 500))
    expect(host.stdoutLines).toHaveLength(1)
    expect(JSON.parse(host.stdoutLines[0] ?? '')).toEqual({ ready: true, url: host.url })
  })

  test('refuses requests that lack the launch token, or carry a wrong one or a foreign Host', async () => {
    for (const path of ['/', '/index.html', '/api/events']) {
      expect((await fetch(`${host.origin}${path}`)).status, path).toBe(401)
      expect((await fetch(`${host.origin}${path}?token=wrong-${host.token}`)).status, path).toBe(401)
    }
    const call = await fetch(`${host.origin}/api/call/getSettings`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(call.status).toBe(401)
    const withToken = await bridgeCall(host, 'getSettings')
    expect(withToken.ok).toBe(true)
    expect(await statusWithHost(host, `evil.example:${host.port}`)).toBe(403)
    expect(await statusWithHost(host, `127.0.0.1:${host.port}`)).toBe(200)
  })

  test('serves the kiosk stage, which shows its state', async ({ page }) => {
    await page.goto(host.url)
    await expect(page.locator('html')).toHaveAttribute(
      'data-session-state',
      /^(idle|connecting|live|reconnecting|failed)$/,
    )
    const settings = (await bridgeCall(host, 'getSettings')).value as { provider: { kind: string } }
    const expectedStage = settings.provider.kind === 'not-configured' ? 'not-configured' : /.+/
    await expect(page.locator('html')).toHaveAttribute('data-stage', expectedStage)
    await expect(page.locator('#stage-status-title')).not.toBeEmpty()
    const csp = (await page.request.get(host.url)).headers()['content-security-policy']
    expect(csp).toContain("default-src 'self'")
  })

  test('a provider key set through the bridge reaches no DOM, storage, bridge response, log or bundle', async ({
    page,
  }) => {
    const key = `hg-e2e-secret-${randomUUID()}`
    const bodies: string[] = []
    // Every bridge answer passes through here, so its body is kept even when the page reloads.
    await page.route('**/api/call/*', async (route) => {
      // A log call still in flight when the host stops at the end of the test has no answer to keep.
      const response = await route.fetch().catch(() => undefined)
      if (!response) return route.abort()
      const body = await response.text()
      bodies.push(body)
      await route.fulfill({ response, body })
    })
    // A second listener on the event stream records every event the host pushes while the key changes.
    const events = new AbortController()
    let streamed = ''
    void fetch(`${host.origin}/api/events?token=${host.token}`, { signal: events.signal })
      .then(async (response) => {
        const reader = response.body!.getReader()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          streamed += Buffer.from(value).toString()
        }
      })
      .catch(() => undefined)

    await page.goto(host.url)
    await expect(page.locator('html')).toHaveAttribute('data-stage', /.+/)
    // With a key the kiosk leaves the built-in sandbox for the configured provider, and reloads itself to take
    // that provider's CSP.
    const reloaded = page.waitForEvent('load')
    const answer = await fetch(`${host.origin}/api/call/setSecret`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Kiosk-Token': host.token },
      body: JSON.stringify({ request: { name: 'providerApiKey', value: key } }),
    })
    const answerText = await answer.text()
    bodies.push(answerText)
    const setResult = JSON.parse(answerText) as {
      ok: boolean
      value: { secrets: { providerApiKey: boolean } }
    }
    expect(setResult.ok).toBe(true)
    expect(setResult.value.secrets.providerApiKey).toBe(true)

    await reloaded
    await expect(page.locator('html')).toHaveAttribute('data-stage', /.+/)
    await expect.poll(() => bodies.length).toBeGreaterThan(2)

    const dom = await page.evaluate(() => document.documentElement.outerHTML)
    const storage = await page.evaluate(async () => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
      databases: JSON.stringify(await indexedDB.databases()),
    }))
    const state = JSON.stringify(await page.context().storageState())
    events.abort()

    expect(dom).not.toContain(key)
    expect(JSON.stringify(storage)).not.toContain(key)
    expect(state).not.toContain(key)
    expect(bodies.length).toBeGreaterThan(1)
    for (const body of bodies) expect(body).not.toContain(key)
    expect(streamed).toContain('settingsChanged')
    expect(streamed).not.toContain(key)

    const logs = await filesUnder(join(host.dataDir, 'logs'))
    for (const file of logs) expect(await readFile(file, 'utf8'), file).not.toContain(key)
    expect(host.stderr()).not.toContain(key)

    // The web host keeps keys in a 0600 file (and says so); it must be that file and nothing else.
    const secretsFile = join(host.dataDir, 'secrets.json')
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600)
    expect(await readFile(join(host.dataDir, 'settings.json'), 'utf8')).not.toContain(key)

    for (const file of await filesUnder(resolve('out/renderer'))) {
      const text = await readFile(file, 'latin1')
      expect(text, file).not.toContain(key)
      expect(text, file).not.toContain('create_token')
      expect(text.toLowerCase(), file).not.toContain('x-api-key')
    }
  })
})

test.describe('a fresh install', () => {
  test('goes live on the built-in LiveAvatar sandbox with no ffmpeg or espeak-ng on the machine', async ({
    page,
  }) => {
    // Nothing on PATH but node: the sandbox must find the ffmpeg and espeak-ng that npm installed.
    const bin = await mkdtemp(join(tmpdir(), 'node-only-'))
    await symlink(process.execPath, join(bin, 'node'))
    const host = await launchWebHost({ env: { PATH: bin, AVATAR_KIOSK_FFMPEG: '', AVATAR_KIOSK_ESPEAK: '' } })
    try {
      await page.goto(host.url)
      await waitForLive(page, 30_000)
      const view = (await bridgeCall(host, 'getSettings')).value as {
        provider: { kind: string; providerKind: string }
      }
      expect(view.provider).toMatchObject({ kind: 'sandbox', providerKind: 'liveavatar' })
      await expect(page.getByText('Sandbox avatar: add your LiveAvatar key in settings')).toBeVisible()
      const log = await readFile(join(host.dataDir, 'logs/main.log'), 'utf8')
      const tools = log.split('\n').find((line) => line.includes('sandbox media tools'))
      expect(tools).toMatch(/"ffmpeg":"npm [^"]*@ffmpeg-installer/)
      expect(tools).toMatch(/"espeak":"npm espeak-ng \(WebAssembly/)
    } finally {
      await host.stop()
      await rm(bin, { recursive: true, force: true })
    }
  })
})
