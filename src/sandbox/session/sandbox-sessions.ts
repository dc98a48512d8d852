import type { Protocol, RoomSession, SessionSnapshot } from './room-session'

/**
 * Closed sessions stay listed for the control API; beyond this many the oldest are forgotten. Each keeps a
 * bounded task log (task-log.ts), so this bounds what a long-running sandbox remembers.
 */
export const CLOSED_HISTORY_LIMIT = 100

/** Every session the sandbox has created, of both protocols, open and closed, in creation order. */
export class SandboxSessions {
  private readonly sessions = new Map<string, RoomSession>()

  constructor(private readonly closedHistoryLimit: number = CLOSED_HISTORY_LIMIT) {}

  add(session: RoomSession): void {
    this.sessions.set(session.id, session)
  }

  get(id: string): RoomSession | undefined {
    return this.sessions.get(id)
  }

  byLivekitToken(token: string): RoomSession | undefined {
    for (const session of this.sessions.values()) if (session.config.livekitToken === token) return session
    return undefined
  }

  all(protocol?: Protocol): RoomSession[] {
    const sessions = [...this.sessions.values()]
    return protocol ? sessions.filter((session) => session.protocol === protocol) : sessions
  }

  open(protocol?: Protocol): RoomSession[] {
    return this.all(protocol).filter((session) => session.isOpen)
  }

  snapshots(): SessionSnapshot[] {
    return [...this.sessions.values()].map((session) => session.snapshot())
  }

  /** Called when a session closes: keeps its record, trimming the oldest closed ones. */
  forgetOldClosed(): void {
    const closed = [...this.sessions.values()].filter((session) => !session.isOpen)
    for (const session of closed.slice(0, Math.max(0, closed.length - this.closedHistoryLimit))) {
      this.sessions.delete(session.id)
    }
  }
}
