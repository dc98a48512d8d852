import type { BridgeSubscribers, KioskBridge } from '../../../shared/bridge-api'
import { subscriberName } from '../../../shared/bridge-api'
import { CALL_NAMES, EVENT_NAMES, bridgeEvents, type EventName } from '../../../shared/contract'
import type { BridgeResult } from '../../../shared/result'

export interface HttpBridgeOptions {
  /** The web host's per-launch token, taken from the page URL. */
  token: string
  /** Identifies this page to the host, so it can clean up after the page goes away. */
  clientId: string
  fetchImpl?: typeof fetch
  EventSourceImpl?: typeof EventSource
}

const unreachable = <T>(): BridgeResult<T> => ({
  ok: false,
  error: { code: 'unreachable', message: 'The kiosk service is not reachable.' },
})

/**
 * The web host's implementation of the bridge: the same named functions as `window.kiosk`, generated from the
 * same contract, over `POST /api/call/<name>` and one server-sent event stream.
 */
export function createHttpBridge(options: HttpBridgeOptions): KioskBridge {
  const fetchImpl = options.fetchImpl ?? fetch.bind(globalThis)
  const headers = {
    'Content-Type': 'application/json',
    'X-Kiosk-Token': options.token,
    'X-Kiosk-Client': options.clientId,
  }

  const calls = Object.fromEntries(
    CALL_NAMES.map((name) => [
      name,
      async (request?: unknown): Promise<BridgeResult<unknown>> => {
        let response: Response
        try {
          response = await fetchImpl(`/api/call/${name}`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ request }),
            cache: 'no-store',
          })
        } catch {
          return unreachable()
        }
        if (response.status === 401 || response.status === 403) {
          return {
            ok: false,
            error: { code: 'forbidden', message: 'This page is not allowed to use the kiosk service.' },
          }
        }
        try {
          return (await response.json()) as BridgeResult<unknown>
        } catch {
          return unreachable()
        }
      },
    ]),
  )

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const EventSourceImpl = options.EventSourceImpl ?? globalThis.EventSource
  const query = new URLSearchParams({ token: options.token, client: options.clientId })
  // Opened at once (not on first subscription): the open stream is how the host knows this page is alive.
  const stream = new EventSourceImpl(`/api/events?${query.toString()}`)
  stream.addEventListener('message', (message: MessageEvent<string>) => {
    let event: unknown
    try {
      event = JSON.parse(message.data)
    } catch {
      return
    }
    if (typeof event !== 'object' || event === null) return
    const { name: rawName, payload: rawPayload } = event as { name?: unknown; payload?: unknown }
    const name = rawName as EventName
    if (!EVENT_NAMES.includes(name)) return
    const payload = bridgeEvents[name].safeParse(rawPayload)
    if (!payload.success) return
    for (const listener of listeners.get(name) ?? []) listener(payload.data)
  })

  const subscribers = Object.fromEntries(
    EVENT_NAMES.map((name) => [
      subscriberName(name),
      (listener: (payload: unknown) => void) => {
        const set = listeners.get(name) ?? new Set()
        set.add(listener)
        listeners.set(name, set)
        return () => set.delete(listener)
      },
    ]),
  ) as unknown as BridgeSubscribers

  return {
    ...(calls as unknown as Omit<KioskBridge, keyof BridgeSubscribers>),
    ...subscribers,
  } as KioskBridge
}
