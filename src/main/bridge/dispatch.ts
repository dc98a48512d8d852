import type { z } from 'zod'
import {
  bridgeCalls,
  isCallName,
  type BridgeCalls,
  type CallName,
  type CallResponse,
} from '../../shared/contract'
import { BridgeError, toFieldErrors, type BridgeResult } from '../../shared/result'
import type { Logger } from '../services/logger'

/** Who is calling: one Electron frame or one web-host page. Main keeps per-client state (sessions) by it. */
export interface CallContext {
  clientId: string
  /** Present where the host can reload the calling page itself (Electron, where the page may not navigate). */
  reloadPage?: () => void
}

export type BridgeHandlers = {
  [Name in CallName]: (
    request: z.output<BridgeCalls[Name]['request']>,
    context: CallContext,
  ) => Promise<CallResponse<Name>> | CallResponse<Name>
}

export type Dispatch = (
  name: string,
  request: unknown,
  context: CallContext,
) => Promise<BridgeResult<unknown>>

/**
 * The single place where a bridge call is validated, executed and answered, shared by the IPC gate and the
 * web host. The response is parsed with the contract too: zod strips any field the contract does not
 * declare, so a handler cannot leak more than the contract allows.
 */
export function createDispatcher(handlers: BridgeHandlers, log: Logger): Dispatch {
  return async (name, rawRequest, context) => {
    if (!isCallName(name)) {
      return { ok: false, error: { code: 'invalid-request', message: `Unknown bridge call "${name}".` } }
    }
    const contract = bridgeCalls[name]
    const request = contract.request.safeParse(rawRequest)
    if (!request.success) {
      const fields = toFieldErrors(request.error.issues)
      return {
        ok: false,
        error: { code: 'invalid-request', message: `Invalid request for ${name}.`, fields },
      }
    }
    try {
      const handler = handlers[name] as (request: unknown, context: CallContext) => unknown
      const value: unknown = await handler(request.data, context)
      const response = contract.response.safeParse(value)
      if (!response.success) {
        log.error('bridge handler returned a value outside the contract', {
          call: name,
          issues: toFieldErrors(response.error.issues),
        })
        return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the kiosk.' } }
      }
      return { ok: true, value: response.data }
    } catch (error) {
      if (error instanceof BridgeError) return { ok: false, error: error.toPayload() }
      log.error('bridge call failed', { call: name, error })
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside the kiosk.' } }
    }
  }
}
