import type { BridgeResult } from './result'
import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from './contract'

/** IPC channel names, derived from the contract so that preload and main cannot disagree. */
export const callChannel = (name: CallName): string => `kiosk:call:${name}`
export const EVENT_CHANNEL = 'kiosk:event'

export type SubscriberName<Name extends EventName> = `on${Capitalize<Name>}`

export function subscriberName<Name extends EventName>(name: Name): SubscriberName<Name> {
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as SubscriberName<Name>
}

type CallArgs<Name extends CallName> =
  undefined extends CallRequest<Name> ? [request?: CallRequest<Name>] : [request: CallRequest<Name>]

export type BridgeCallFunctions = {
  [Name in CallName]: (...args: CallArgs<Name>) => Promise<BridgeResult<CallResponse<Name>>>
}

export type BridgeSubscribers = {
  [Name in EventName as SubscriberName<Name>]: (listener: (payload: EventPayload<Name>) => void) => () => void
}

/** What `window.kiosk` (Electron preload) and the web host's HTTP client both provide. */
export type KioskBridge = BridgeCallFunctions & BridgeSubscribers
