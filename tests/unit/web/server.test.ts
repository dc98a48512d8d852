import { mkdir, writeFile } from 'node:fs/promises'
import { Server, Socket } from 'node:net'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import { buildRendererCsp } from '../../../src/main/security/csp'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { startWebHost, type WebHost } from '../../../src/main/web/server'
import { send, type RawResponse } from '../support/http-client'
import { memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'
import { openEvents } from '../support/event-stream'
import { useLoopbackServers } from '../support/loopback-server'
import { fakeSpeechPcm, startFakeOpenAi } from '../../support/fake-openai'

const tempDir = useTempDirs()
const serve = useLoopbackServers()
const TOKEN = 'unit-test-launch-token-0123456789abcdef'
const INDEX_HTML = '<!doctype html><html><head><title>Avatar Kiosk</title></head><body></body></html>'
const APP_JS = 'console.log("kiosk")'

interface Running {
  host: WebHost
  services: AppServices
  port: number
  lines: ReturnType<typeof memorySink>['lines']
  onClientGone: ReturnType<typeof vi.fn>
  /** Holds `renderer/` and the data folder `data/`. */
  root: string
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(options: { token?: string; clientGoneGraceMs?: number } = {}): Promise<Running> {
  const root = await tempDir()
  const rendererDir = join(root, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML)
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS)
  // Things a path traversal would love to reach: a sibling of the renderer dir and the data dir.
  await writeFile(join(root, 'secret.txt'), 'TOP-SECRET-OUTSIDE-RENDERER')
  await writeFile(join(root, 'package.json'), '{"name":"TOP-SECRET-PACKAGE"}')
  const { sink, lines } = memorySink()
  const services = await createAppServices(nodeHostAdapters(join(root, 'data'), sink))
  const onClientGone = vi.fn()
  const host = await startWebHost({
    services,
    rendererDir,
    port: 0,
    token: options.token ?? TOKEN,
    onClientGone,
    clientGoneGraceMs: options.clientGoneGraceMs ?? 50,
  })
  cleanups.push(async () => {
    await host.close()
    await services.close()
  })
  return { host, services, port: host.port, lines, onClientGone, root }
}

function callApi(
  port: number,
  name: string,
  request: unknown,
  headers: Record<string, string> = { 'X-Kiosk-Token': TOKEN },
): Promise<RawResponse> {
  return send({
    port,
    path: `/api/call/${name}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ request }),
  })
}

describe('web host access control', () => {
  it('listens on 127.0.0.1 only and reports a tokenised URL', async () => {
    const listen = vi.spyOn(Server.prototype, 'listen')
    const { host, port } = await start()
    expect(listen).toHaveBeenCalledWith(0, '127.0.0.1', expect.any(Function))
    expect(host.url).toBe(`http://127.0.0.1:${port}/?token=${TOKEN}`)
    expect(port).toBeGreaterThan(0)

    // A non-loopback address of this machine must not answer.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && !info.internal && info.family === 'IPv4')
    if (external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = new Socket()
        socket.setTimeout(3000, () => {
          socket.destroy()
          resolve('timeout')
        })
        socket.once('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        socket.connect(port, external.address)
      })
      expect(outcome).not.toBe('connected')
    }
  })

  it('answers 401 to the page, an asset and the API without a token', async () => {
    const { port } = await start()
    for (const path of ['/', '/index.html', '/assets/app.js']) {
      const response = await send({ port, path })
      expect(response.status, path).toBe(401)
      expect(response.body).not.toContain('Avatar Kiosk')
    }
    const api = await callApi(port, 'getSettings', undefined, {})
    expect(api.status).toBe(401)
    const events = await send({ port, path: '/api/events' })
    expect(events.status).toBe(401)
  })

  it('answers 401 to a wrong token, including one that differs only in length', async () => {
    const { port } = await start()
    for (const token of ['wrong', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      expect((await send({ port, path: `/?token=${token}` })).status).toBe(401)
      expect((await callApi(port, 'getSettings', undefined, { 'X-Kiosk-Token': token })).status).toBe(401)
    }
  })

  it('refuses foreign Host headers with 403 even with the token', async () => {
    const { port } = await start()
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `[::1]:${port}`,
    ]) {
      const page = await send({ port, path: `/?token=${TOKEN}`, headers: { Host: host } })
      expect(page.status, host).toBe(403)
      const api = await callApi(port, 'getSettings', undefined, { 'X-Kiosk-Token': TOKEN, Host: host })
      expect(api.status, host).toBe(403)
    }
    expect(
      (await send({ port, path: `/?token=${TOKEN}`, headers: { Host: `localhost:${port}` } })).status,
    ).toBe(200)
  })

  it('serves the page for the query token, sets the cookie, and carries the CSP', async () => {
    const { port } = await start()
    const page = await send({ port, path: `/?token=${TOKEN}` })
    expect(page.status).toBe(200)
    expect(page.body).toBe(INDEX_HTML)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['set-cookie']).toEqual([
      `kiosk_token_${port}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
    ])
    expect(page.headers['content-security-policy']).toBe(
      buildRendererCsp({ providerKind: 'liveavatar', providerBaseUrl: 'https://api.liveavatar.com' }),
    )
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['cache-control']).toBe('no-store')
  })

  it('derives the page CSP from the provider kind at each page load', async () => {
    const { port, services } = await start()
    services.settings.update({ provider: { kind: 'heygen', baseUrl: 'https://api.konpro.ai' } })
    const page = await send({ port, path: `/?token=${TOKEN}` })
    expect(page.headers['content-security-policy']).toBe(
      buildRendererCsp({ providerKind: 'heygen', providerBaseUrl: 'https://api.konpro.ai' }),
    )
    expect(page.headers['content-security-policy']).not.toContain('webrtc-signaling.heygen.io')
  })

  it('lets the cookie load assets but not the bridge API', async () => {
    const { port } = await start()
    const cookie = `kiosk_token_${port}=${TOKEN}`
    const asset = await send({ port, path: '/assets/app.js', headers: { Cookie: cookie } })
    expect(asset.status).toBe(200)
    expect(asset.body).toBe(APP_JS)
    expect(asset.headers['set-cookie']).toBeUndefined()
    const api = await callApi(port, 'getSettings', undefined, { Cookie: cookie })
    expect(api.status).toBe(401)
    const otherPortCookie = await send({
      port,
      path: '/assets/app.js',
      headers: { Cookie: `kiosk_token_1=${TOKEN}` },
    })
    expect(otherPortCookie.status).toBe(401)
  })

  it('refuses cross-origin API requests with 403', async () => {
    const { port } = await start()
    for (const origin of ['https://evil.example', `http://127.0.0.1:${port + 1}`, 'null']) {
      const response = await callApi(port, 'getSettings', undefined, {
        'X-Kiosk-Token': TOKEN,
        Origin: origin,
      })
      expect(response.status, origin).toBe(403)
    }
    const sameOrigin = await callApi(port, 'getSettings', undefined, {
      'X-Kiosk-Token': TOKEN,
      Origin: `http://127.0.0.1:${port}`,
    })
    expect(sameOrigin.status).toBe(200)
  })

  it.each([
    '/../secret.txt',
    '/../package.json',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..%5csecret.txt',
    '/%2e%2e%5c%2e%2e%5csecret.txt',
    '/..\\secret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('does not serve %s', async (path) => {
    const { port } = await start()
    const sep = path.includes('?') ? '&' : '?'
    const response = await send({ port, path: `${path}${sep}token=${TOKEN}` })
    expect(response.status).not.toBe(200)
    expect(response.body).not.toContain('TOP-SECRET')
  })

  it('uses a random per-launch token by default', async () => {
    const root = await tempDir()
    const services = await createAppServices(nodeHostAdapters(join(root, 'data'), () => {}))
    const first = await startWebHost({ services, rendererDir: root })
    const second = await startWebHost({ services, rendererDir: root })
    cleanups.push(async () => {
      await first.close()
      await second.close()
      await services.close()
    })
    expect(first.token).not.toBe(second.token)
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await send({ port: first.port, path: `/?token=${second.token}` })).status).toBe(401)
  })
})

describe('web host bridge API', () => {
  it('round-trips getSettings and updateSettings with the header token', async () => {
    const { port } = await start()
    const initial = await callApi(port, 'getSettings', undefined)
    expect(initial.status).toBe(200)
    expect(initial.headers['cache-control']).toBe('no-store')
    const view = JSON.parse(initial.body) as {
      ok: boolean
      value: { settings: { avatar: { quality: string } } }
    }
    expect(view.ok).toBe(true)
    expect(view.value.settings.avatar.quality).toBe('high')

    const updated = JSON.parse(
      (await callApi(port, 'updateSettings', { avatar: { quality: 'low' } })).body,
    ) as {
      ok: boolean
      value: { settings: { avatar: { quality: string } } }
    }
    expect(updated.ok).toBe(true)
    expect(updated.value.settings.avatar.quality).toBe('low')
    const again = JSON.parse((await callApi(port, 'getSettings', undefined)).body) as typeof view
    expect(again.value.settings.avatar.quality).toBe('low')
  })

  it('returns field errors for an invalid update and changes nothing', async () => {
    const { port, services } = await start()
    const response = await callApi(port, 'updateSettings', { avatar: { quality: 'ultra', colour: 'red' } })
    expect(response.status).toBe(200)
    const result = JSON.parse(response.body) as {
      ok: boolean
      error: { code: string; fields: { path: string }[] }
    }
    expect(result.ok).toBe(false)
    expect(result.error.code).toBe('invalid-request')
    expect(result.error.fields.map((field) => field.path).sort()).toEqual(['avatar.colour', 'avatar.quality'])
    expect(services.settings.get().avatar.quality).toBe('high')
  })

  it('never returns a key set through the bridge', async () => {
    const { port, lines } = await start()
    const key = 'hg-web-host-secret-key-77777777'
    const set = await callApi(port, 'setSecret', { name: 'providerApiKey', value: key })
    const view = await callApi(port, 'getSettings', undefined)
    expect(JSON.parse(set.body)).toMatchObject({ ok: true, value: { secrets: { providerApiKey: true } } })
    expect(set.body).not.toContain(key)
    expect(view.body).not.toContain(key)
    expect(lines.map((line) => line.line).join('\n')).not.toContain(key)
  })

  it('answers unknown calls, non-JSON bodies and malformed JSON without crashing', async () => {
    const { port } = await start()
    expect(JSON.parse((await callApi(port, 'selfDestruct', undefined)).body)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    })
    const text = await send({
      port,
      path: '/api/call/getSettings',
      method: 'POST',
      headers: { 'X-Kiosk-Token': TOKEN, 'Content-Type': 'text/plain' },
      body: 'hello',
    })
    expect(text.status).toBe(415)
    const malformed = await send({
      port,
      path: '/api/call/getSettings',
      method: 'POST',
      headers: { 'X-Kiosk-Token': TOKEN, 'Content-Type': 'application/json' },
      body: '{"request":',
    })
    expect(malformed.status).toBe(400)
    expect(JSON.parse(malformed.body)).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    const wrongMethod = await send({
      port,
      path: '/api/call/getSettings',
      headers: { 'X-Kiosk-Token': TOKEN },
    })
    expect(wrongMethod.status).toBe(404)
  })
})

describe('web host: the LiveAvatar calls', () => {
  it('synthesizes speech over HTTP from the fake OpenAI server, as base64 PCM', async () => {
    const fake = await startFakeOpenAi({ speechMsPerChar: 10 })
    cleanups.push(() => fake.close())
    const { port, services } = await start()
    services.settings.update({ llm: { baseUrl: fake.baseUrl } })
    const response = JSON.parse(
      (await callApi(port, 'synthesizeSpeech', { requestId: 'speech-web-1', text: 'Welcome to the lobby.' }))
        .body,
    ) as { ok: boolean; value: { pcmBase64: string; sampleRate: number } }
    expect(response.ok).toBe(true)
    expect(response.value.sampleRate).toBe(24_000)
    expect(Buffer.from(response.value.pcmBase64, 'base64').length).toBe(
      fakeSpeechPcm('Welcome to the lobby.', 10).length,
    )
    expect(fake.requests.at(-1)?.body).toMatchObject({
      input: 'Welcome to the lobby.',
      response_format: 'pcm',
    })
  })

  it('lists the provider catalogue over HTTP with the stored key, and mints a LiveAvatar token', async () => {
    const api = await serve((request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      if (request.url === '/v1/sessions/token') {
        return response.end(
          JSON.stringify({ code: 1000, data: { session_id: 'sid-web-1', session_token: 'tok-web-1' } }),
        )
      }
      response.end(
        JSON.stringify({ code: 1000, data: { next: null, results: [{ id: 'ctx-9', name: 'Front desk' }] } }),
      )
    })
    const { port, services } = await start()
    services.settings.update({ provider: { baseUrl: api.baseUrl } })
    await services.secrets.set('providerApiKey', 'la-web-host-key-1234567')
    const catalog = await callApi(port, 'listCatalog', { kind: 'contexts' })
    expect(JSON.parse(catalog.body)).toEqual({
      ok: true,
      value: { items: [{ id: 'ctx-9', name: 'Front desk' }] },
    })
    expect(catalog.body).not.toContain('la-web-host-key')
    const token = JSON.parse((await callApi(port, 'mintSessionToken', undefined)).body) as {
      value: Record<string, unknown>
    }
    expect(token.value).toMatchObject({
      token: 'tok-web-1',
      kind: 'liveavatar',
      mode: 'full',
      sandbox: false,
    })
    // The session id stays in main, with the lease.
    expect(token.value).not.toHaveProperty('sessionId')
    expect(JSON.stringify(token)).not.toContain('sid-web-1')
    expect(services.sessions.openSessions()).toEqual([{ sessionId: 'sid-web-1', clientId: 'web:anonymous' }])
  })

  it('refuses listCatalog while the admin is locked, and refuses an unknown kind', async () => {
    const { port, services } = await start()
    await services.admin.setPin('482913')
    services.admin.lock()
    const locked = JSON.parse((await callApi(port, 'listCatalog', { kind: 'avatars' })).body) as unknown
    expect(locked).toMatchObject({ ok: false, error: { code: 'admin-locked' } })
    const unknown = JSON.parse((await callApi(port, 'listCatalog', { kind: 'scenes' })).body) as unknown
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })
})

describe('web host events', () => {
  it('delivers settingsChanged over SSE after an update', async () => {
    const { port } = await start()
    const stream = openEvents(port, `token=${TOKEN}&client=clientAAAA1111`)
    const response = await stream.opened
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    await callApi(port, 'updateSettings', { display: { windowMode: 'windowed' } })
    await vi.waitFor(() => expect(stream.events).toHaveLength(1), { timeout: 5000 })
    expect(stream.events[0]).toMatchObject({
      name: 'settingsChanged',
      payload: { settings: { display: { windowMode: 'windowed' } } },
    })
    stream.close()
  })

  it('reports the client gone when its event stream closes', async () => {
    const { port, onClientGone } = await start()
    const stream = openEvents(port, `token=${TOKEN}&client=clientBBBB2222`)
    await stream.opened
    expect(onClientGone).not.toHaveBeenCalled()
    stream.close()
    await vi.waitFor(() => expect(onClientGone).toHaveBeenCalledWith('web:clientBBBB2222'), { timeout: 5000 })
  })

  it('stops sending to a closed stream', async () => {
    const { port, services } = await start()
    const stream = openEvents(port, `token=${TOKEN}&client=clientCCCC3333`)
    await stream.opened
    stream.close()
    await vi.waitFor(() => expect(services.events['listeners'].size).toBe(0), { timeout: 5000 })
  })

  it('names a client with a malformed id anonymous', async () => {
    const { port, onClientGone } = await start()
    const stream = openEvents(port, `token=${TOKEN}&client=${encodeURIComponent('../../etc')}`)
    await stream.opened
    stream.close()
    await vi.waitFor(() => expect(onClientGone).toHaveBeenCalledWith('web:anonymous'), { timeout: 5000 })
  })
})

describe('web host: a brief event-stream drop is not a page gone', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('keeps the page when its stream reconnects within the grace period', async () => {
    const { port, onClientGone } = await start({ clientGoneGraceMs: 1500 })
    const first = openEvents(port, `token=${TOKEN}&client=clientDDDD4444`)
    await first.opened
    first.close()
    await sleep(200)
    const again = openEvents(port, `token=${TOKEN}&client=clientDDDD4444`)
    await again.opened
    await sleep(2000)
    expect(onClientGone).not.toHaveBeenCalled()
    // Gone for real: reported once the grace period has passed, not before.
    again.close()
    await sleep(300)
    expect(onClientGone).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(onClientGone).toHaveBeenCalledWith('web:clientDDDD4444'), { timeout: 5000 })
    expect(onClientGone).toHaveBeenCalledTimes(1)
  })

  it('keeps the page while another of its streams is still open', async () => {
    const { port, onClientGone } = await start({ clientGoneGraceMs: 100 })
    const first = openEvents(port, `token=${TOKEN}&client=clientEEEE5555`)
    const second = openEvents(port, `token=${TOKEN}&client=clientEEEE5555`)
    await Promise.all([first.opened, second.opened])
    first.close()
    await sleep(500)
    expect(onClientGone).not.toHaveBeenCalled()
    second.close()
    await vi.waitFor(() => expect(onClientGone).toHaveBeenCalledWith('web:clientEEEE5555'), { timeout: 5000 })
  })

  it('waits seconds by default, and keeps the sessions of a page whose stream came back', async () => {
    const api = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(
        JSON.stringify({ code: 1000, data: { session_id: 'sid-blip-1', session_token: 'tok-blip-1' } }),
      )
    })
    const root = await tempDir()
    const services = await createAppServices(nodeHostAdapters(join(root, 'data'), () => {}))
    services.settings.update({ provider: { baseUrl: api.baseUrl } })
    await services.secrets.set('providerApiKey', 'la-web-host-key-1234567')
    const host = await startWebHost({
      services,
      rendererDir: root,
      token: TOKEN,
      onClientGone: (clientId) => void services.sessions.stopOrphans(clientId, 'page closed'),
    })
    cleanups.push(async () => {
      await host.close()
      await services.close()
    })
    const client = 'clientFFFF6666'
    const stream = openEvents(host.port, `token=${TOKEN}&client=${client}`)
    await stream.opened
    const minted = await callApi(host.port, 'mintSessionToken', undefined, {
      'X-Kiosk-Token': TOKEN,
      'X-Kiosk-Client': client,
    })
    expect(JSON.parse(minted.body)).toMatchObject({ ok: true })
    stream.close()
    await sleep(1000)
    const back = openEvents(host.port, `token=${TOKEN}&client=${client}`)
    await back.opened
    await sleep(500)
    expect(services.sessions.openSessions()).toEqual([{ sessionId: 'sid-blip-1', clientId: `web:${client}` }])
    expect(api.requests.filter((request) => request.url?.includes('stop'))).toEqual([])
    back.close()
  })
})

describe('web host: bodies and files that would have hurt it', () => {
  const MAX_BODY_BYTES = 4 * 1024 * 1024

  it('answers an over-size body with 413, with or without a Content-Length', async () => {
    const { port } = await start()
    const huge = JSON.stringify({ request: { name: 'providerApiKey', value: 'x'.repeat(MAX_BODY_BYTES) } })
    const declared = await callApiRaw(port, 'setSecret', huge)
    expect(declared.status).toBe(413)
    expect(JSON.parse(declared.body)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: 'The request is too large.' },
    })
    const streamed = await callApiRaw(port, 'setSecret', huge, { 'Transfer-Encoding': 'chunked' })
    expect(streamed.status).toBe(413)
    // The host is still there, and a body just under the limit is an ordinary (refused) call.
    const under = JSON.stringify({
      request: { name: 'providerApiKey', value: 'x'.repeat(MAX_BODY_BYTES - 100) },
    })
    const ordinary = await callApiRaw(port, 'setSecret', under)
    expect(ordinary.status).toBe(200)
    expect(JSON.parse(ordinary.body)).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })

  it('lets fetch() read the 413 of an over-size body instead of failing mid-upload', async () => {
    const { port } = await start()
    const huge = JSON.stringify({
      request: { name: 'providerApiKey', value: 'x'.repeat(6 * MAX_BODY_BYTES) },
    })
    const response = await fetch(`http://127.0.0.1:${port}/api/call/setSecret`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Kiosk-Token': TOKEN },
      body: huge,
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })

  it('serves a background file whole and by range', async () => {
    const { port, root } = await start()
    await mkdir(join(root, 'data', 'backgrounds'), { recursive: true })
    await writeFile(join(root, 'data', 'backgrounds', 'lobby.webm'), '0123456789')
    const cookie = { Cookie: `kiosk_token_${port}=${TOKEN}` }
    const whole = await send({ port, path: '/media/backgrounds/lobby.webm', headers: cookie })
    expect(whole.status).toBe(200)
    expect(whole.body).toBe('0123456789')
    expect(whole.headers['content-type']).toBe('video/webm')
    const part = await send({
      port,
      path: '/media/backgrounds/lobby.webm',
      headers: { ...cookie, Range: 'bytes=2-4' },
    })
    expect(part.status).toBe(206)
    expect(part.body).toBe('234')
    expect(part.headers['content-range']).toBe('bytes 2-4/10')
    const beyond = await send({
      port,
      path: '/media/backgrounds/lobby.webm',
      headers: { ...cookie, Range: 'bytes=20-' },
    })
    expect(beyond.status).toBe(416)
  })

  it('answers 404 when a background is deleted between being found and being opened', async () => {
    const { port, root, services } = await start()
    const cookie = { Cookie: `kiosk_token_${port}=${TOKEN}` }
    vi.spyOn(services.media, 'resolveBackground').mockResolvedValueOnce(join(root, 'data', 'deleted.webm'))
    expect((await send({ port, path: '/media/backgrounds/deleted.webm', headers: cookie })).status).toBe(404)
  })

  it('answers 404, and keeps running, when a background opens but cannot be streamed', async () => {
    const { port, root, services } = await start()
    const cookie = { Cookie: `kiosk_token_${port}=${TOKEN}` }
    // A folder where the file was: it stats and opens, and only its stream fails, after the headers.
    await mkdir(join(root, 'data', 'now-a-folder.webm'), { recursive: true })
    vi.spyOn(services.media, 'resolveBackground').mockResolvedValueOnce(
      join(root, 'data', 'now-a-folder.webm'),
    )
    const response = await send({ port, path: '/media/backgrounds/now-a-folder.webm', headers: cookie })
    expect(response.status).toBe(404)
    expect((await callApi(port, 'getSettings', undefined)).status).toBe(200)
  })
})

describe('web host: reloadPage', () => {
  it('answers that the page reloads itself: the web host has no navigation lock', async () => {
    const { port } = await start()
    expect(JSON.parse((await callApi(port, 'reloadPage', undefined)).body)).toEqual({
      ok: true,
      value: { reloadedBy: 'page' },
    })
  })
})

function callApiRaw(port: number, name: string, body: string, headers: Record<string, string> = {}) {
  return send({
    port,
    path: `/api/call/${name}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Kiosk-Token': TOKEN, ...headers },
    body,
  })
}
