import { describe, expect, it, vi } from 'vitest'
import { call } from '../../../src/renderer/src/bridge/index'
import { createHttpBridge } from '../../../src/renderer/src/bridge/http-bridge'
import { CALL_NAMES } from '../../../src/shared/contract'
import { BridgeError } from '../../../src/shared/result'
import { sampleSettingsView } from '../support/settings-view'

type MessageListener = (event: MessageEvent<string>) => void

/** Records the URL it was opened with and lets the test push `message` events. */
class FakeEventSource {
  static last: FakeEventSource | undefined
  readonly listeners = new Map<string, MessageListener[]>()

  constructor(readonly url: string) {
    FakeEventSource.last = this
  }

  addEventListener(type: string, listener: MessageListener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  push(data: unknown): void {
    const text = typeof data === 'string' ? data : JSON.stringify(data)
    for (const listener of this.listeners.get('message') ?? [])
      listener({ data: text } as MessageEvent<string>)
  }
}

function setup(fetchImpl: typeof fetch) {
  const bridge = createHttpBridge({
    token: 'tok-123',
    clientId: 'client-abcdef12',
    fetchImpl,
    EventSourceImpl: FakeEventSource as unknown as typeof EventSource,
  })
  const source = FakeEventSource.last
  if (!source) throw new Error('no event stream opened')
  return { bridge, source }
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('createHttpBridge calls', () => {
  it('exposes one function per contract call and one subscriber per event', () => {
    const { bridge } = setup(vi.fn<typeof fetch>())
    for (const name of CALL_NAMES) expect(typeof bridge[name]).toBe('function')
    expect(typeof bridge.onSettingsChanged).toBe('function')
  })

  it('POSTs {request} to /api/call/<name> with the token and client headers', async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => jsonResponse({ ok: true, value: sampleSettingsView() }))
    const { bridge } = setup(fetchImpl)
    const result = await bridge.updateSettings({ avatar: { quality: 'low' } })
    expect(result).toEqual({ ok: true, value: sampleSettingsView() })
    expect(fetchImpl).toHaveBeenCalledTimes(1)
    const [url, init] = fetchImpl.mock.calls[0] ?? []
    expect(url).toBe('/api/call/updateSettings')
    expect(init?.method).toBe('POST')
    expect(init?.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Kiosk-Token': 'tok-123',
      'X-Kiosk-Client': 'client-abcdef12',
    })
    expect(JSON.parse(String(init?.body))).toEqual({ request: { avatar: { quality: 'low' } } })
    expect(init?.cache).toBe('no-store')
  })

  it('sends an empty body object for calls without a payload', async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () => jsonResponse({ ok: true, value: null }))
    const { bridge } = setup(fetchImpl)
    await bridge.lockAdmin()
    expect(fetchImpl.mock.calls[0]?.[0]).toBe('/api/call/lockAdmin')
    expect(JSON.parse(String(fetchImpl.mock.calls[0]?.[1]?.body))).toEqual({})
  })

  it('passes the host failure envelope through', async () => {
    const envelope = {
      ok: false,
      error: { code: 'invalid-settings', message: 'bad', fields: [{ path: 'a', message: 'x' }] },
    }
    const { bridge } = setup(vi.fn<typeof fetch>(async () => jsonResponse(envelope)))
    expect(await bridge.getSettings()).toEqual(envelope)
  })

  it('reports a network failure as unreachable', async () => {
    const { bridge } = setup(
      vi.fn<typeof fetch>(async () => {
        throw new TypeError('Failed to fetch')
      }),
    )
    expect(await bridge.getSettings()).toEqual({
      ok: false,
      error: { code: 'unreachable', message: 'The kiosk service is not reachable.' },
    })
  })

  it('reports a non-JSON answer as unreachable', async () => {
    const { bridge } = setup(
      vi.fn<typeof fetch>(async () => new Response('<html>proxy error</html>', { status: 502 })),
    )
    expect(await bridge.getSettings()).toMatchObject({ ok: false, error: { code: 'unreachable' } })
  })

  it.each([401, 403])('reports HTTP %i as forbidden', async (status) => {
    const { bridge } = setup(
      vi.fn<typeof fetch>(async () => new Response('Missing or wrong kiosk token.', { status })),
    )
    expect(await bridge.getSettings()).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'This page is not allowed to use the kiosk service.' },
    })
  })
})

describe('createHttpBridge events', () => {
  it('opens the event stream at once with token and client id', () => {
    const { source } = setup(vi.fn<typeof fetch>())
    const url = new URL(source.url, 'http://127.0.0.1')
    expect(url.pathname).toBe('/api/events')
    expect(url.searchParams.get('token')).toBe('tok-123')
    expect(url.searchParams.get('client')).toBe('client-abcdef12')
  })

  it('validates events and dispatches them to subscribers until they unsubscribe', () => {
    const { bridge, source } = setup(vi.fn<typeof fetch>())
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = bridge.onSettingsChanged(first)
    bridge.onSettingsChanged(second)
    const view = sampleSettingsView()

    source.push({ name: 'settingsChanged', payload: { ...view, apiKey: 'sk-should-be-stripped' } })
    expect(first).toHaveBeenCalledTimes(1)
    expect(first).toHaveBeenCalledWith(view)
    expect(second).toHaveBeenCalledTimes(1)

    stopFirst()
    source.push({ name: 'settingsChanged', payload: view })
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(2)
  })

  it('drops malformed, unknown and invalid events', () => {
    const { bridge, source } = setup(vi.fn<typeof fetch>())
    const listener = vi.fn()
    bridge.onSettingsChanged(listener)
    source.push('not json')
    source.push({ name: 'somethingElse', payload: sampleSettingsView() })
    source.push({ name: 'settingsChanged', payload: { settings: 'nope' } })
    source.push({ name: 'toString', payload: {} })
    source.push({ payload: sampleSettingsView() })
    expect(() => source.push(null)).not.toThrow()
    expect(() => source.push(42)).not.toThrow()
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('call()', () => {
  it('returns the value of a successful call', async () => {
    const { bridge } = setup(vi.fn<typeof fetch>(async () => jsonResponse({ ok: true, value: null })))
    await expect(call(bridge, 'lockAdmin')).resolves.toBeNull()
  })

  it('throws a BridgeError carrying the code and field errors', async () => {
    const { bridge } = setup(
      vi.fn<typeof fetch>(async () =>
        jsonResponse({
          ok: false,
          error: {
            code: 'invalid-settings',
            message: 'bad',
            fields: [{ path: 'avatar.quality', message: 'x' }],
          },
        }),
      ),
    )
    const error = await call(bridge, 'updateSettings', { avatar: { quality: 'low' } }).catch(
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).code).toBe('invalid-settings')
    expect((error as BridgeError).fields).toEqual([{ path: 'avatar.quality', message: 'x' }])
  })
})
