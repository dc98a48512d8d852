import type { Log } from '../log'

/**
 * The SDK's `SessionApiError`, by shape: the package exports it as a type only (no `instanceof`), and never sets
 * its `name`, so its `errorCode` field is the only thing that tells it apart.
 */
export interface SessionApiErrorLike {
  message: string
  errorCode: number
  status: number | null
}

export function isSessionApiError(error: unknown): error is SessionApiErrorLike & Error {
  return (
    error instanceof Error &&
    'errorCode' in error &&
    typeof (error as { errorCode: unknown }).errorCode === 'number'
  )
}

/** A LiveAvatar REST failure in words an operator can act on; `name` becomes the controller's failure code. */
export class LiveAvatarApiError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'LiveAvatarApiError'
  }
}

/** The SDK's generic message when fetch failed, CORS refused, or the reply was not JSON. */
const GENERIC_FAILURE = 'API request failed'

export function describeSessionApiError(error: SessionApiErrorLike): string {
  const { status, errorCode } = error
  if (status === null && error.message === GENERIC_FAILURE)
    return 'LiveAvatar could not be reached (network down, CORS refused, or a reply that was not JSON)'
  const detail = `${error.message} (code ${errorCode}${status !== null ? `, HTTP ${status}` : ''})`
  if (status === 401 || status === 403) return `LiveAvatar refused the session token: ${detail}`
  if (status === 429) return `LiveAvatar is rate-limiting this kiosk: ${detail}`
  if (status !== null && status >= 500) return `LiveAvatar had a server error: ${detail}`
  return `LiveAvatar refused the request: ${detail}`
}

/** SDK errors become `LiveAvatarApiError`s with a readable message; anything else is passed through. */
export function toReadableError(error: unknown): unknown {
  if (!isSessionApiError(error)) return error
  return new LiveAvatarApiError(describeSessionApiError(error), error.errorCode, error.status, {
    cause: error,
  })
}

let guardInstalled = false

/**
 * The SDK fires some requests without awaiting them (`stop()` → POST /stop, `keepAlive()`, teardown after a
 * drop); a failure there would surface as an unhandled rejection. The adapter wraps the SDK's API client so that
 * cannot happen, and this catches what a future SDK might add: SDK errors are logged, never left unhandled.
 */
export function installSessionApiRejectionGuard(log: Log): void {
  if (guardInstalled || typeof window === 'undefined') return
  guardInstalled = true
  window.addEventListener('unhandledrejection', (event) => {
    if (!isSessionApiError(event.reason)) return
    event.preventDefault()
    log('warn', 'LiveAvatar request failed in the background', {
      error: describeSessionApiError(event.reason),
    })
  })
}
