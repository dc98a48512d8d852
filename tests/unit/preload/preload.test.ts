import { beforeAll, describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNEL, callChannel, subscriberName } from '../../../src/shared/bridge-api'
import { CALL_NAMES, EVENT_NAMES } from '../../../src/shared/contract'

type IpcListener = (event: unknown, ...args: unknown[]) => void

const electron = vi.hoisted(() => {
  const listeners = new Set<IpcListener>()
  return {
    exposed: new Map<string, Record<string, unknown>>(),
    listeners,
    invoke: [] as [string, unknown][],
    ipcRenderer: {
      invoke: async (channel: string, request: unknown) => {
        electron.invoke.push([channel, request])
        return { ok: true, value: null }
      },
      on: (channel: string, listener: IpcListener) => {
        if (channel === 'kiosk:event') listeners.add(listener)
      },
      removeListener: (channel: string, listener: IpcListener) => {
        if (channel === 'kiosk:event') listeners.delete(listener)
      },
      send: () => {},
    },
  }
})

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, unknown>) => electron.exposed.set(key, api),
  },
  ipcRenderer: electron.ipcRenderer,
}))

let api: Record<string, unknown>

beforeAll(async () => {
  await import('../../../src/preload/index')
  const exposed = electron.exposed.get('kiosk')
  if (!exposed) throw new Error('preload exposed nothing as window.kiosk')
  api = exposed
})

describe('preload', () => {
  it('exposes only window.kiosk, with one function per call and one subscriber per event', () => {
    expect([...electron.exposed.keys()]).toEqual(['kiosk'])
    expect(Object.keys(api).sort()).toEqual(
      [...CALL_NAMES, ...EVENT_NAMES.map((name) => subscriberName(name))].sort(),
    )
    for (const value of Object.values(api)) expect(typeof value).toBe('function')
    expect(api).not.toHaveProperty('ipcRenderer')
    expect(api).not.toHaveProperty('invoke')
  })

  it('forwards each call on its own contract channel', async () => {
    const setSecret = api.setSecret as (request: unknown) => Promise<unknown>
    await setSecret({ name: 'providerApiKey', value: 'x' })
    expect(electron.invoke.at(-1)).toEqual([callChannel('setSecret'), { name: 'providerApiKey', value: 'x' }])
    const getSettings = api.getSettings as () => Promise<unknown>
    await getSettings()
    expect(electron.invoke.at(-1)).toEqual(['kiosk:call:getSettings', undefined])
  })

  it('delivers only its own event to a subscriber, without the IPC event object, until unsubscribed', () => {
    const subscribe = api.onSettingsChanged as (listener: (payload: unknown) => void) => () => void
    const listener = vi.fn()
    const stop = subscribe(listener)
    expect(EVENT_CHANNEL).toBe('kiosk:event')
    expect(electron.listeners.size).toBe(1)
    for (const forward of electron.listeners) {
      forward({ sender: 'ipc-internals' }, 'settingsChanged', { view: 1 })
      forward({ sender: 'ipc-internals' }, 'otherEvent', { view: 2 })
    }
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith({ view: 1 })
    stop()
    expect(electron.listeners.size).toBe(0)
  })
})
