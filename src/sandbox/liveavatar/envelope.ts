import type { z } from 'zod'

/**
 * LiveAvatar's reply envelopes. The SDK treats any `code` other than 1000 as failure, and builds its error
 * from a non-2xx reply's JSON `{code, message}`: a reply without a JSON body becomes "API request failed".
 */
export const SUCCESS_CODE = 1000

export interface Envelope<T> {
  code: number
  data: T
  message: string
}

export function success<T>(data: T, message = 'success'): Envelope<T> {
  return { code: SUCCESS_CODE, data, message }
}

export function failure(code: number, message: string): Envelope<null> {
  return { code, message, data: null }
}

/** Guesses, like the legacy codes: the provider documents no catalogue of error codes. */
export const LIVEAVATAR_CODES = {
  unauthorized: 4010,
  notFound: 4040,
  concurrencyLimit: 4290,
  invalidSessionState: 4009,
} as const

/** An error a handler throws to answer with the envelope; `headers` e.g. Retry-After. */
export class LiveAvatarError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'LiveAvatarError'
  }
}

export const unauthorized = (message = 'Unauthorized'): LiveAvatarError =>
  new LiveAvatarError(401, LIVEAVATAR_CODES.unauthorized, message)
export const notFound = (message: string): LiveAvatarError =>
  new LiveAvatarError(404, LIVEAVATAR_CODES.notFound, message)
export const concurrencyLimitReached = (limit: number): LiveAvatarError =>
  new LiveAvatarError(429, LIVEAVATAR_CODES.concurrencyLimit, `Concurrent session limit (${limit}) reached`, {
    'retry-after': '5',
  })
export const sessionNotStartable = (message: string): LiveAvatarError =>
  new LiveAvatarError(400, LIVEAVATAR_CODES.invalidSessionState, message)

export interface ValidationDetail {
  loc: (string | number)[]
  msg: string
  type: string
}

/** FastAPI's 422 body, as the provider's OpenAPI documents it. */
export function validationBody(error: z.ZodError, where: 'body' | 'query'): { detail: ValidationDetail[] } {
  return {
    detail: error.issues.map((issue) => ({
      loc: [where, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))],
      msg: issue.message,
      type: issue.code,
    })),
  }
}

export interface Page<T> {
  count: number
  next: string | null
  previous: string | null
  results: T[]
}

/** The provider's pagination: 1-based pages, links as query strings on the same path. */
export function paginate<T>(items: readonly T[], page: number, pageSize: number, path: string): Page<T> {
  const start = (page - 1) * pageSize
  const link = (target: number): string => `${path}?page=${target}&page_size=${pageSize}`
  return {
    count: items.length,
    next: start + pageSize < items.length ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: items.slice(start, start + pageSize),
  }
}
