import { bridgeEvents, type EventName, type EventPayload } from '../../shared/contract'

export type EventListener = (name: EventName, payload: unknown) => void

/** Fans events out to every host transport (IPC to windows, SSE to web pages), validated once here. */
export class BridgeEventHub {
  private readonly listeners = new Set<EventListener>()

  emit<Name extends EventName>(name: Name, payload: EventPayload<Name>): void {
    const validated = bridgeEvents[name].parse(payload)
    for (const listener of this.listeners) listener(name, validated)
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
