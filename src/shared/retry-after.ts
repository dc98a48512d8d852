/** What both a fetch reply's `Headers` and the OpenAI SDK's error headers offer. */
export interface HeaderReader {
  get(name: string): string | null
}

const DELAY_SECONDS = /^\d+(?:\.\d+)?$/
/** HTTP dates (all three RFC 9110 forms) start with the day's name; `Date.parse` alone takes "-5" as a year. */
const HTTP_DATE = /^[A-Za-z]{3,9},? /

/**
 * How long a server asked us to wait before the next request, in ms: OpenAI's `retry-after-ms`, else
 * `Retry-After` as seconds or as an HTTP date. Undefined when absent or unreadable, so the caller's own
 * backoff applies instead of a guess.
 */
export function retryAfterMs(headers: HeaderReader | undefined, now = Date.now()): number | undefined {
  const milliseconds = headers?.get('retry-after-ms')?.trim()
  if (milliseconds && DELAY_SECONDS.test(milliseconds)) return Math.round(Number(milliseconds))
  const header = headers?.get('retry-after')?.trim()
  if (!header) return undefined
  if (DELAY_SECONDS.test(header)) return Math.round(Number(header) * 1000)
  const date = HTTP_DATE.test(header) ? Date.parse(header) : NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
