import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { callChannel } from '../../shared/bridge-api'
import { CALL_NAMES } from '../../shared/contract'
import type { BridgeResult } from '../../shared/result'
import type { CallContext, Dispatch } from '../bridge/dispatch'
import type { Logger } from '../services/logger'
import { isAppUrl } from './app-origin'

const FORBIDDEN: BridgeResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This page is not allowed to use the kiosk service.' },
}

/**
 * The one gate every IPC call passes: the sending frame must be our own top-level page on the app origin, and
 * the payload is parsed with the contract's schema by the shared dispatcher.
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>): boolean {
  const frame = event.senderFrame
  if (!frame || !isAppUrl(frame.url)) return false
  // Only the main frame: an iframe on our origin (there should be none) gets no bridge either.
  return frame === event.sender.mainFrame
}

export function registerIpcGate(ipcMain: Pick<IpcMain, 'handle'>, dispatch: Dispatch, log: Logger): void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event, request: unknown) => {
      if (!isTrustedSender(event)) {
        log.warn('bridge call refused from an untrusted frame', {
          call: name,
          url: event.senderFrame?.url ?? null,
        })
        return FORBIDDEN
      }
      return dispatch(name, request, windowCallContext(event.sender))
    })
  }
}

/**
 * The calling window, and how to reload it: through main, since the navigation lock blocks the page's own
 * `location.reload()`. The reload waits a turn so that the call's answer leaves before the page does.
 */
export function windowCallContext(sender: Pick<WebContents, 'id' | 'isDestroyed' | 'reload'>): CallContext {
  return {
    clientId: `window:${sender.id}`,
    reloadPage: () =>
      setImmediate(() => {
        if (!sender.isDestroyed()) sender.reload()
      }),
  }
}
