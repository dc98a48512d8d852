import { randomBytes } from 'node:crypto'

export type TokenStatus = 'unused' | 'unknown' | 'used'

/**
 * Bounds on what the store remembers, like LiveAvatar's pending tokens: any key holder can mint tokens
 * without end, and every session ever made would otherwise keep its token. The registry remembers far fewer
 * sessions than this (CLOSED_HISTORY_LIMIT), so a forgotten token belongs to a forgotten session.
 */
export const TOKEN_LIMITS = { maxUnused: 1000, maxClaimed: 1000 } as const

/**
 * Session tokens as the provider hands them out: each can create exactly one session, and is then that
 * session's bearer credential for every later call.
 */
export class TokenStore {
  private readonly unused = new Set<string>()
  private readonly sessionByToken = new Map<string, string>()

  issue(): string {
    const token = randomBytes(24).toString('base64url')
    this.unused.add(token)
    // Sets and Maps iterate in insertion order: the first entry is the oldest.
    if (this.unused.size > TOKEN_LIMITS.maxUnused) this.unused.delete(this.unused.values().next().value!)
    return token
  }

  status(token: string): TokenStatus {
    if (this.unused.has(token)) return 'unused'
    return this.sessionByToken.has(token) ? 'used' : 'unknown'
  }

  /** Spends a token on the session it created; from then on it only authorises calls for that session. */
  claim(token: string, sessionId: string): void {
    if (!this.unused.delete(token)) throw new Error('token is not unused')
    this.sessionByToken.set(token, sessionId)
    if (this.sessionByToken.size > TOKEN_LIMITS.maxClaimed)
      this.sessionByToken.delete(this.sessionByToken.keys().next().value!)
  }

  sessionOf(token: string): string | undefined {
    return this.sessionByToken.get(token)
  }

  hasToken(sessionId: string): boolean {
    for (const bound of this.sessionByToken.values()) if (bound === sessionId) return true
    return false
  }
}
