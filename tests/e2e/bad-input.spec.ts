import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { CALL_NAMES } from '../../src/shared/contract'
import { badCases, setPath, settingsLeaves, wrongValueFor } from '../unit/support/bad-payloads'
import { bridgeCall, launchWebHost, type RunningWebHost } from './support/web-host'

/**
 * Bad input against the built web host over plain HTTP (no browser): the contract table of
 * tests/unit/bridge/bad-input.test.ts, then abuse of the HTTP layer itself. The host answers each with a typed
 * error or an HTTP refusal, keeps its state, and stays up without an uncaught exception.
 */

const PIN = '97531864'
const LLM_KEY = 'sk-bad-input-e2e-llm-key-000001'
/**
 * Under the host's 4 MB body limit, so the contract (not the body limit) refuses these; huge values go in one
 * field per call here, as every one is a body of megabytes (the unit table puts them in every field).
 */
const SIZES = {
  hugeString: 'A'.repeat(3 * 1024 * 1024),
  hugeArray: new Array(1_000_000).fill(0),
  manyKeys: 20_000,
  hugeInEveryField: false,
}

interface Reply {
  status: number
  text: string
}

async function post(
  host: RunningWebHost,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${host.origin}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Kiosk-Token': host.token, ...headers },
    body,
  })
  return { status: response.status, text: await response.text() }
}

/** What a call that slipped through could change: the settings view and the stores on disk. */
async function hostState(host: RunningWebHost) {
  const view = await bridgeCall(host, 'getSettings')
  const names = (await readdir(host.dataDir)).filter((name) => name.endsWith('.json')).sort()
  const files = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await readFile(join(host.dataDir, name), 'utf8')])),
  ) as Record<string, string>
  return { view, files }
}

function expectNoCrashIn(stderr: string): void {
  expect(stderr).not.toMatch(/uncaught|unhandled|TypeError|RangeError|SyntaxError|\n\s+at /i)
}

test.describe('bad input at the web host', () => {
  let dataDir: string
  let host: RunningWebHost

  test.beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kiosk-bad-input-e2e-'))
    host = await launchWebHost({ dataDir, readyTimeoutMs: 30_000 })
    // A kiosk in use: PIN set (the panel is unlocked for this page), a key and changed settings.
    expect((await bridgeCall(host, 'setAdminPin', { pin: PIN })).ok).toBe(true)
    expect((await bridgeCall(host, 'setSecret', { name: 'llmApiKey', value: LLM_KEY })).ok).toBe(true)
    const update = await bridgeCall(host, 'updateSettings', {
      avatar: { quality: 'low' },
      llm: { baseUrl: 'http://127.0.0.1:9/v1' },
    })
    expect(update.ok).toBe(true)
  })

  test.afterAll(async () => {
    await host.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  test('every contract call refuses wrong types, shapes and sizes with a typed error, and nothing changes', async () => {
    test.setTimeout(120_000)
    const before = await hostState(host)
    const wrong: string[] = []
    let count = 0
    for (const name of CALL_NAMES) {
      for (const entry of badCases({ lease: 'lease-of-nobody', sessionId: 'session-1' }, SIZES, name)) {
        count += 1
        const reply = await post(host, `/api/call/${name}`, JSON.stringify({ request: entry.payload }))
        const result = JSON.parse(reply.text) as {
          ok: boolean
          error?: { code: string; fields?: { path: string }[] }
        }
        const paths = (result.error?.fields ?? []).map((field) => field.path)
        const named = paths.some((path) =>
          typeof entry.path === 'string' ? path === entry.path : entry.path.test(path),
        )
        if (reply.status !== 200 || result.ok || result.error?.code !== 'invalid-request' || !named) {
          wrong.push(`${name}, ${entry.label}: ${reply.status} ${reply.text.slice(0, 200)}`)
        }
        if (reply.text.length > 20_000)
          wrong.push(`${name}, ${entry.label}: ${reply.text.length}-byte answer`)
      }
    }
    expect(wrong).toEqual([])
    expect(count).toBeGreaterThan(400)
    expect(await hostState(host)).toEqual(before)
    expect(host.process.exitCode).toBeNull()
    expectNoCrashIn(host.stderr())
  })

  test('the HTTP layer refuses malformed, mistyped, oversized and unauthenticated requests', async () => {
    const before = await hostState(host)
    const validSecret = JSON.stringify({ request: { name: 'llmApiKey', value: 'sk-must-not-be-stored-01' } })

    const malformed = await post(host, '/api/call/setSecret', '{"request": {"name": "llmApiKey", ')
    expect(malformed.status).toBe(400)
    expect(JSON.parse(malformed.text)).toMatchObject({ ok: false, error: { code: 'invalid-request' } })

    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const reply = await post(host, '/api/call/setSecret', validSecret, { 'Content-Type': contentType })
      expect(reply.status, contentType).toBe(415)
    }

    // fetch(), as the renderer sends: the host drains the rest of the body, so the 413 reaches it (no EPIPE).
    const oversize = await post(
      host,
      '/api/call/setSecret',
      JSON.stringify({ request: { name: 'llmApiKey', value: 'A'.repeat(5 * 1024 * 1024) } }),
    )
    expect(oversize.status).toBe(413)
    expect(JSON.parse(oversize.text)).toMatchObject({ ok: false, error: { code: 'invalid-request' } })

    // The transcription limit, under the body limit: refused by the contract with the field's path.
    const audio = await post(
      host,
      '/api/call/transcribe',
      JSON.stringify({ request: { audioBase64: 'A'.repeat(2_000_001), format: 'wav' } }),
    )
    expect(JSON.parse(audio.text)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', fields: [{ path: 'audioBase64' }] },
    })

    // Envelopes that carry no request: the body as a whole is not the request.
    for (const body of [
      '[]',
      'null',
      '"text"',
      '42',
      '{}',
      '{"__proto__":{"request":{"name":"llmApiKey","value":"sk-x"}}}',
    ]) {
      const reply = await post(host, '/api/call/setSecret', body)
      expect(reply.status, body).toBe(200)
      expect(JSON.parse(reply.text), body).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    }

    const noToken = await fetch(`${host.origin}/api/call/setSecret`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: validSecret,
    })
    expect(noToken.status).toBe(401)
    const wrongToken = await post(host, '/api/call/setSecret', validSecret, {
      'X-Kiosk-Token': `x${host.token}`,
    })
    expect(wrongToken.status).toBe(401)
    const foreign = await post(host, '/api/call/setSecret', validSecret, { Origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)

    // A name the route accepts but the contract lacks is a typed error; anything else is not a route.
    for (const name of ['deleteEverything', 'toString', 'constructor']) {
      const reply = await post(host, `/api/call/${name}`, '{}')
      expect(JSON.parse(reply.text), name).toEqual({
        ok: false,
        error: { code: 'invalid-request', message: `Unknown bridge call "${name}".` },
      })
    }
    for (const path of [
      '/api/call/__proto__',
      '/api/call/get-settings',
      '/api/call/',
      '/api/calls/getSettings',
    ]) {
      expect((await post(host, path, '{}')).status, path).toBe(404)
    }
    const get = await fetch(`${host.origin}/api/call/getSettings`, {
      headers: { 'X-Kiosk-Token': host.token },
    })
    expect(get.status).toBe(404)

    expect(await hostState(host)).toEqual(before)
    expect(host.process.exitCode).toBeNull()
    expect((await bridgeCall(host, 'getSettings')).ok).toBe(true)
    expectNoCrashIn(host.stderr())
  })
})

test('a provisioning file with every field wrong is refused with each path, and the settings stay', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kiosk-bad-provisioning-'))
  try {
    const first = await launchWebHost({ dataDir, readyTimeoutMs: 30_000 })
    expect((await bridgeCall(first, 'updateSettings', { avatar: { quality: 'medium' } })).ok).toBe(true)
    const prior = (await bridgeCall(first, 'getSettings')).value as { settings: unknown }
    await first.stop()
    const settingsFile = await readFile(join(dataDir, 'settings.json'), 'utf8')

    const file: Record<string, unknown> = {}
    // A wrong variant name hides the variant's other fields; the unit test names those one by one.
    const leaves = settingsLeaves().filter((leaf) => leaf.variant === undefined)
    for (const leaf of leaves) setPath(file, leaf.path, wrongValueFor(leaf))
    setPath(file, ['provider', 'apiKey'], 42)
    setPath(file, ['admin', 'pin'], '12')
    const config = `${dataDir}-provision.json`
    await writeFile(config, JSON.stringify(file))

    const child = spawn(
      process.execPath,
      [resolve('out/main/web.js'), '--port', '0', '--data-dir', dataDir, '--config', config],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)))
    await rm(config, { force: true })

    // Refused on purpose (a typo must fail loudly), not crashed: no ready line, no stack, every path named.
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('The provisioning file was refused; nothing was changed.')
    for (const path of [...leaves.map((leaf) => leaf.path.join('.')), 'provider.apiKey', 'admin.pin']) {
      expect(stderr).toContain(`  ${path}: `)
    }
    expectNoCrashIn(stderr)
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).toBe(settingsFile)

    const again = await launchWebHost({ dataDir, readyTimeoutMs: 30_000 })
    expect(((await bridgeCall(again, 'getSettings')).value as { settings: unknown }).settings).toEqual(
      prior.settings,
    )
    await again.stop()
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})
