import type { AvatarSessionEvent, AvatarSessionEvents } from './avatar-provider'

type Listener = (payload: unknown) => void

/** The controller's listeners on one provider session, by provider-neutral event name. */
export class SessionListeners {
  private readonly byName = new Map<AvatarSessionEvent, Set<Listener>>()

  on<Name extends AvatarSessionEvent>(
    name: Name,
    listener: (payload: AvatarSessionEvents[Name]) => void,
  ): () => void {
    const set = this.byName.get(name) ?? new Set<Listener>()
    set.add(listener as Listener)
    this.byName.set(name, set)
    return () => set.delete(listener as Listener)
  }

  emit(name: AvatarSessionEvent, payload: unknown): void {
    for (const listener of this.byName.get(name) ?? []) listener(payload)
  }

  clear(): void {
    this.byName.clear()
  }
}
