import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** What the SDK reads from a session token: `start_session_data.mode` picks FULL or LITE behaviour. */
export interface SessionTokenPayload {
  session_id: string
  iat: number
  /** Makes every token unguessable, even for the same session data. */
  jti: string
  start_session_data: Record<string, unknown> & { mode: 'FULL' | 'LITE' }
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

/**
 * Session tokens as three-part JWTs, signed with a secret that lives as long as the sandbox. The SDK only
 * decodes the payload; the sandbox also checks the signature, then looks the session up.
 */
export class SessionTokenSigner {
  private readonly secret = randomBytes(32)

  mint(sessionId: string, startSessionData: SessionTokenPayload['start_session_data']): string {
    const payload: SessionTokenPayload = {
      session_id: sessionId,
      iat: Math.floor(Date.now() / 1000),
      jti: randomBytes(12).toString('base64url'),
      start_session_data: startSessionData,
    }
    const body = `${HEADER}.${base64url(JSON.stringify(payload))}`
    return `${body}.${this.sign(body)}`
  }

  /** The payload of a token this sandbox signed, or undefined for anything else. */
  verify(token: string): SessionTokenPayload | undefined {
    const parts = token.split('.')
    if (parts.length !== 3) return undefined
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`))
    const given = Buffer.from(parts[2]!)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
    return decodeSessionToken(token)
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url')
  }
}

/** Decodes without checking, the way the SDK does (`atob` of the middle part). */
export function decodeSessionToken(token: string): SessionTokenPayload | undefined {
  const middle = token.split('.')[1]
  if (!middle) return undefined
  try {
    const payload = JSON.parse(Buffer.from(middle, 'base64url').toString('utf8')) as unknown
    if (typeof payload !== 'object' || payload === null || !('start_session_data' in payload))
      return undefined
    return payload as SessionTokenPayload
  } catch {
    return undefined
  }
}
