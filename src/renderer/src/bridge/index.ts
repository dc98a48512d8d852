import type { KioskBridge } from '../../../shared/bridge-api'
import type { CallName, CallRequest, CallResponse } from '../../../shared/contract'
import { BridgeError } from '../../../shared/result'
import { createHttpBridge } from './http-bridge'

declare global {
  interface Window {
    /** Present only in the Electron shell, exposed by the preload. */
    kiosk?: KioskBridge
  }
}

function randomClientId(): string {
  return crypto.randomUUID().replaceAll('-', '')
}

/** Electron's preload bridge when present, otherwise the web host's HTTP client of the same contract. */
export function connectBridge(): KioskBridge {
  if (window.kiosk) return window.kiosk
  const token = new URLSearchParams(window.location.search).get('token') ?? ''
  return createHttpBridge({ token, clientId: randomClientId() })
}

type CallArgs<Name extends CallName> =
  undefined extends CallRequest<Name> ? [request?: CallRequest<Name>] : [request: CallRequest<Name>]

/** Calls the bridge and turns a failure envelope into a thrown `BridgeError` with code and field errors. */
export async function call<Name extends CallName>(
  bridge: KioskBridge,
  name: Name,
  ...args: CallArgs<Name>
): Promise<CallResponse<Name>> {
  const fn = bridge[name] as (request?: unknown) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>
  const result = await fn(args[0])
  if (result.ok) return result.value as CallResponse<Name>
  throw new BridgeError(result.error as ConstructorParameters<typeof BridgeError>[0])
}
