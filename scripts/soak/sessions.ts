/** What the soak needs of a sandbox session snapshot (GET /__sandbox/sessions). */
export interface SessionView {
  id: string
  state: 'open' | 'closed'
}

/**
 * Counts sessions across polls of the sandbox. A session is leaked once it has stayed open for `graceMs`
 * while not being the kiosk's current one: stopping an old session on a reload or a reconnect takes a moment.
 */
export class SessionLedger {
  private readonly seen = new Set<string>()
  private readonly stopped = new Set<string>()
  private readonly vanished = new Set<string>()
  private readonly leakedEver = new Set<string>()
  private readonly staleSince = new Map<string, number>()
  private openIds = new Set<string>()

  constructor(private readonly graceMs: number) {}

  /** `current` is the session the kiosk page reports live, if any. */
  observe(sessions: readonly SessionView[], current: string | undefined, now: number): void {
    const open = new Set<string>()
    for (const session of sessions) {
      this.seen.add(session.id)
      if (session.state === 'open') open.add(session.id)
      else this.stopped.add(session.id)
    }
    // Open sessions are never forgotten by the sandbox: one missing went with a sandbox restart.
    for (const id of this.openIds) if (!open.has(id) && !this.stopped.has(id)) this.vanished.add(id)
    this.openIds = open
    for (const id of this.staleSince.keys()) if (!open.has(id) || id === current) this.staleSince.delete(id)
    for (const id of open) {
      if (id === current) continue
      const since = this.staleSince.get(id) ?? now
      this.staleSince.set(id, since)
      if (now - since >= this.graceMs) this.leakedEver.add(id)
    }
  }

  counts(): {
    opened: number
    stopped: number
    open: number
    leakedNow: number
    leakedEver: number
    lostToRestart: number
  } {
    return {
      opened: this.seen.size,
      stopped: this.stopped.size,
      open: this.openIds.size,
      leakedNow: [...this.openIds].filter((id) => this.leakedEver.has(id)).length,
      leakedEver: this.leakedEver.size,
      lostToRestart: this.vanished.size,
    }
  }

  openSessionIds(): string[] {
    return [...this.openIds]
  }
}
