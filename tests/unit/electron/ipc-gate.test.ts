import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { createDispatcher, type Dispatch } from '../../../src/main/bridge/dispatch'
import { createAppServices } from '../../../src/main/app-services'
import { isTrustedSender, registerIpcGate, windowCallContext } from '../../../src/main/electron/ipc-gate'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { callChannel } from '../../../src/shared/bridge-api'
import { CALL_NAMES } from '../../../src/shared/contract'
import { fakeHandlers } from '../support/handlers'
import { memoryLogger } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

vi.mock('electron', () => ({ ipcMain: { handle: () => {} } }))

type Listener = (event: IpcMainInvokeEvent, request: unknown) => Promise<unknown>

function setup() {
  const listeners = new Map<string, Listener>()
  const ipcMain = {
    handle: vi.fn((channel: string, listener: Listener) => {
      listeners.set(channel, listener)
    }),
  }
  const handlers = fakeHandlers()
  const log = memoryLogger()
  const realDispatch = createDispatcher(handlers, log)
  const dispatch = vi.fn<Dispatch>((name, request, context) => realDispatch(name, request, context))
  registerIpcGate(ipcMain as unknown as Pick<IpcMain, 'handle'>, dispatch, log)
  return { listeners, handlers, dispatch, log, ipcMain }
}

interface FakeFrame {
  url: string
}

/** An invoke event from `frameUrl`; `subframe` makes the sender a frame other than the main frame. */
function eventFrom(
  frameUrl: string | null,
  options: { subframe?: boolean; id?: number } = {},
): IpcMainInvokeEvent {
  const mainFrame: FakeFrame = { url: 'app://kiosk/index.html' }
  const senderFrame =
    frameUrl === null
      ? null
      : options.subframe
        ? { url: frameUrl }
        : Object.assign(mainFrame, { url: frameUrl })
  const sender = { id: options.id ?? 3, mainFrame, reload: vi.fn(), isDestroyed: () => false }
  return { senderFrame, sender } as unknown as IpcMainInvokeEvent
}

const FORBIDDEN = {
  ok: false,
  error: { code: 'forbidden', message: 'This page is not allowed to use the kiosk service.' },
}

describe('registerIpcGate', () => {
  it('registers one handler per contract call on its derived channel', () => {
    const { listeners, ipcMain } = setup()
    expect(ipcMain.handle).toHaveBeenCalledTimes(CALL_NAMES.length)
    expect([...listeners.keys()].sort()).toEqual(CALL_NAMES.map((name) => callChannel(name)).sort())
  })

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'file:///opt/avatar-kiosk/resources/app.asar/out/renderer/index.html',
    'app://evil/index.html',
    'app://kiosk.evil.example/index.html',
    'app://kiosk:8080/index.html',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    '',
  ])('refuses calls from %j with forbidden, before dispatch', async (url) => {
    const { listeners, dispatch, handlers, log } = setup()
    for (const name of CALL_NAMES) {
      const listener = listeners.get(callChannel(name))
      expect(await listener?.(eventFrom(url), { name: 'providerApiKey', value: 'x' })).toEqual(FORBIDDEN)
    }
    expect(dispatch).not.toHaveBeenCalled()
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled()
    expect(log.entries[0]).toMatchObject({
      level: 'warn',
      message: 'bridge call refused from an untrusted frame',
    })
  })

  it('refuses a subframe even when it is on the app origin', async () => {
    const { listeners, dispatch } = setup()
    const listener = listeners.get(callChannel('getSettings'))
    expect(await listener?.(eventFrom('app://kiosk/index.html', { subframe: true }), undefined)).toEqual(
      FORBIDDEN,
    )
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('refuses an event whose frame is already gone', async () => {
    const { listeners, dispatch } = setup()
    expect(await listeners.get(callChannel('getSettings'))?.(eventFrom(null), undefined)).toEqual(FORBIDDEN)
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('rejects a bad payload from the right origin with invalid-request', async () => {
    const { listeners, handlers } = setup()
    const result = await listeners.get(callChannel('setSecret'))?.(eventFrom('app://kiosk/index.html'), {
      name: 'providerApiKey',
      value: '',
      extra: 'ignored',
    })
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-request',
        fields: expect.arrayContaining([expect.objectContaining({ path: 'value' })]),
      },
    })
    expect(handlers.setSecret).not.toHaveBeenCalled()
    const noObject = await listeners.get(callChannel('updateSettings'))?.(
      eventFrom('app://kiosk/'),
      'not an object',
    )
    expect(noObject).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })

  it('lets a good call through to its handler with the window client id', async () => {
    const { listeners, handlers, dispatch } = setup()
    const result = await listeners.get(callChannel('setSecret'))?.(
      eventFrom('app://kiosk/index.html', { id: 42 }),
      {
        name: 'llmApiKey',
        value: 'sk-abc',
      },
    )
    expect(result).toMatchObject({ ok: true })
    const context = expect.objectContaining({ clientId: 'window:42' }) as unknown
    expect(dispatch).toHaveBeenCalledWith('setSecret', { name: 'llmApiKey', value: 'sk-abc' }, context)
    expect(handlers.setSecret).toHaveBeenCalledWith({ name: 'llmApiKey', value: 'sk-abc' }, context)
  })
})

describe('reloadPage through the IPC gate', () => {
  const tempDir = useTempDirs()

  async function gateOnRealServices() {
    const services = await createAppServices(nodeHostAdapters(await tempDir(), () => {}))
    const listeners = new Map<string, Listener>()
    const ipcMain = { handle: (channel: string, listener: Listener) => void listeners.set(channel, listener) }
    registerIpcGate(ipcMain as unknown as Pick<IpcMain, 'handle'>, services.dispatch, memoryLogger())
    return { services, reloadPage: listeners.get(callChannel('reloadPage')) }
  }

  it('reloads the calling window from main, after the answer, and says the host did it', async () => {
    const { services, reloadPage } = await gateOnRealServices()
    const event = eventFrom('app://kiosk/index.html', { id: 7 })
    const reload = vi.mocked(event.sender.reload)
    expect(await reloadPage?.(event, undefined)).toEqual({ ok: true, value: { reloadedBy: 'host' } })
    // Not before the answer has left: the page is torn down by the reload.
    expect(reload).not.toHaveBeenCalled()
    await new Promise((resolve) => setImmediate(resolve))
    expect(reload).toHaveBeenCalledTimes(1)
    await services.close()
  })

  it('does not reload a window that is already gone, nor for an untrusted frame', async () => {
    const { services, reloadPage } = await gateOnRealServices()
    const closing = eventFrom('app://kiosk/index.html')
    Object.assign(closing.sender, { isDestroyed: () => true })
    const foreign = eventFrom('https://evil.example/')
    expect(await reloadPage?.(closing, undefined)).toMatchObject({ ok: true })
    expect(await reloadPage?.(foreign, undefined)).toEqual(FORBIDDEN)
    await new Promise((resolve) => setImmediate(resolve))
    expect(vi.mocked(closing.sender.reload)).not.toHaveBeenCalled()
    expect(vi.mocked(foreign.sender.reload)).not.toHaveBeenCalled()
    await services.close()
  })

  it('the context of any window call names the window and can reload it', async () => {
    const sender = { id: 9, reload: vi.fn(), isDestroyed: () => false }
    const context = windowCallContext(sender)
    expect(context.clientId).toBe('window:9')
    context.reloadPage?.()
    await new Promise((resolve) => setImmediate(resolve))
    expect(sender.reload).toHaveBeenCalledTimes(1)
  })
})

describe('isTrustedSender', () => {
  it('trusts only the main frame on app://kiosk', () => {
    expect(isTrustedSender(eventFrom('app://kiosk/index.html'))).toBe(true)
    expect(isTrustedSender(eventFrom('app://kiosk/index.html', { subframe: true }))).toBe(false)
    expect(isTrustedSender(eventFrom('https://kiosk/index.html'))).toBe(false)
  })
})
