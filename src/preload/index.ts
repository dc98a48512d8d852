import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNEL, callChannel, subscriberName } from '../shared/bridge-api'
import { CALL_NAMES, EVENT_NAMES } from '../shared/contract'

/**
 * `window.kiosk`: one named function per contract call and one `on…` subscriber per event. `ipcRenderer`
 * itself is never exposed, so the page can reach nothing but these channels.
 */
const api: Record<string, unknown> = {}

for (const name of CALL_NAMES) {
  api[name] = (request?: unknown) => ipcRenderer.invoke(callChannel(name), request)
}

for (const name of EVENT_NAMES) {
  api[subscriberName(name)] = (listener: (payload: unknown) => void) => {
    const forward = (_event: IpcRendererEvent, eventName: unknown, payload: unknown) => {
      if (eventName === name) listener(payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward)
    }
  }
}

contextBridge.exposeInMainWorld('kiosk', api)
