import { bridgeEvents, type EventName, type EventPayload } from '../../shared/contract'

/** `clientId` set: the event is for that page only (its answer stream); otherwise for every page. */
export type EventListener = (name: EventName, payload: unknown, clientId?: string) => void

/** Fans events out to every host transport (IPC to windows, SSE to web pages), validated once here. */
export class BridgeEventHub {
  private readonly listeners = new Set<EventListener>()

  emit<Name extends EventName>(name: Name, payload: EventPayload<Name>, clientId?: string): void {
    const validated = bridgeEvents[name].parse(payload)
    for (const listener of this.listeners) listener(name, validated, clientId)
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
