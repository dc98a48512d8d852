import type { Session, SessionSnapshot } from './session'

/** Closed sessions stay listed for the control API; beyond this many the oldest are forgotten. */
const CLOSED_HISTORY_LIMIT = 1000

/** Every session the sandbox has created, open and closed, in creation order. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>()

  add(session: Session): void {
    this.sessions.set(session.id, session)
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id)
  }

  byLivekitToken(token: string): Session | undefined {
    for (const session of this.sessions.values()) if (session.config.livekitToken === token) return session
    return undefined
  }

  all(): Session[] {
    return [...this.sessions.values()]
  }

  open(): Session[] {
    return [...this.sessions.values()].filter((session) => session.isOpen)
  }

  snapshots(): SessionSnapshot[] {
    return [...this.sessions.values()].map((session) => session.snapshot())
  }

  /** Called when a session closes: keeps its record, trimming the oldest closed ones. */
  forgetOldClosed(): void {
    const closed = [...this.sessions.values()].filter((session) => !session.isOpen)
    for (const session of closed.slice(0, Math.max(0, closed.length - CLOSED_HISTORY_LIMIT))) {
      this.sessions.delete(session.id)
    }
  }
}
