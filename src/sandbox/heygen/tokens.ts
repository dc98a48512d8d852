import { randomBytes } from 'node:crypto'

export type TokenStatus = 'unused' | 'unknown' | 'used'

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
  }

  sessionOf(token: string): string | undefined {
    return this.sessionByToken.get(token)
  }

  hasToken(sessionId: string): boolean {
    for (const bound of this.sessionByToken.values()) if (bound === sessionId) return true
    return false
  }
}
