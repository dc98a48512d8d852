/**
 * The provider's response envelopes and error codes. Codes marked "seen" are documented or reported by users;
 * the others are the sandbox's best guess and say so.
 */
export const ERROR_CODES = {
  /** seen: bad or used token, bad API key, or a missing session_id. */
  unauthorized: 400112,
  /** seen: e.g. a task for a session that has already ended. */
  invalidSessionState: 400006,
  /** seen: unknown avatar. Unused: the sandbox draws any requested avatar. */
  avatarNotFound: 10013,
  /** guess: the provider documents no code for its concurrency limit. */
  concurrencyLimit: 10007,
  /** guess: a malformed body. */
  invalidParameter: 400100,
  /** guess: too many speech tasks queued for one session (the provider's rate limit answers 429). */
  tooManyTasks: 10009,
} as const

export interface SuccessEnvelope<T> {
  code: 100
  message: 'success'
  data: T
}

export interface ErrorEnvelope {
  code: number
  message: string
  data: null
}

export function success<T>(data: T): SuccessEnvelope<T> {
  return { code: 100, message: 'success', data }
}

/** create_token answers in an older shape: `{error, data: {token}}`. */
export function tokenEnvelope(token: string): { error: null; data: { token: string } } {
  return { error: null, data: { token } }
}

export function failure(code: number, message: string): ErrorEnvelope {
  return { code, message, data: null }
}

/** An error a REST handler throws to answer with the provider's error envelope. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'RestError'
  }

  get envelope(): ErrorEnvelope {
    return failure(this.code, this.message)
  }
}

export const unauthorized = (): RestError => new RestError(401, ERROR_CODES.unauthorized, 'Unauthorized')
export const sessionNotOpen = (): RestError =>
  new RestError(400, ERROR_CODES.invalidSessionState, 'Session is not in the correct state')
export const concurrencyLimitReached = (limit: number): RestError =>
  new RestError(400, ERROR_CODES.concurrencyLimit, `Concurrent session limit (${limit}) reached`)
export const invalidParameter = (detail: string): RestError =>
  new RestError(400, ERROR_CODES.invalidParameter, `Invalid parameter: ${detail}`)
export const tooManyTasks = (detail: string): RestError =>
  new RestError(429, ERROR_CODES.tooManyTasks, `Too many tasks: ${detail}`)
