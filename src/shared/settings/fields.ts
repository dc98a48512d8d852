import { z } from 'zod'

/** `localhost`, 127.0.0.0/8 or `::1`, as the URL parser normalises them (`127.1` and `0x7f.1` read as `127.0.0.1`). */
const LOOPBACK_HOSTNAME = /^(?:localhost|\[::1\]|127(?:\.\d{1,3}){3})$/

// Parsed by zod (the WHATWG URL parser underneath), since shared code has no DOM or Node typings.
const LoopbackUrlSchema = z.url({ hostname: LOOPBACK_HOSTNAME })
const HttpsUrlSchema = z.url({ protocol: /^https$/ })
const LoopbackHttpUrlSchema = z.url({ protocol: /^http$/, hostname: LOOPBACK_HOSTNAME })

/**
 * Whether a URL names this computer. Subdomains of `localhost` are not counted: Node resolves them through
 * ordinary DNS, which may point anywhere.
 */
export function isLoopbackUrl(url: string): boolean {
  return LoopbackUrlSchema.safeParse(url).success
}

/**
 * Keys and visitors' words travel to these URLs, so anything that leaves this computer must be encrypted;
 * plain http is fine for a server on this computer (the sandbox, a local LLM).
 */
export function isSecureOrLoopbackUrl(url: string): boolean {
  return HttpsUrlSchema.safeParse(url).success || LoopbackHttpUrlSchema.safeParse(url).success
}

export const INSECURE_URL_MESSAGE = 'Must use https:// (http:// only for a server on this computer)'

// `abort`: a value that is no URL at all gets one message, not also the https one.
const HttpUrlSchema = z.url({
  protocol: /^https?$/,
  message: 'Must be an http:// or https:// URL',
  abort: true,
})

const withoutTrailingSlashes = (url: string) => url.replace(/\/+$/, '')

/** An http(s) base URL, stored without a trailing slash so paths can be appended safely. */
export const BaseUrlSchema = HttpUrlSchema.refine(isSecureOrLoopbackUrl, INSECURE_URL_MESSAGE).transform(
  withoutTrailingSlashes,
)

/**
 * A base URL, or empty for "the default"; a bad value gets the same message as a required URL. The https rule
 * comes after the union, which would otherwise replace its message with the union's own.
 */
export const OptionalBaseUrlSchema = z
  .union([z.literal(''), HttpUrlSchema], {
    error: 'Must be an http:// or https:// URL, or empty for the default',
  })
  .refine((url) => url === '' || isSecureOrLoopbackUrl(url), INSECURE_URL_MESSAGE)
  .transform(withoutTrailingSlashes)

/** BCP-47-ish language tag such as `en`, `de-DE` or `zh-Hans`. */
export const LanguageTagSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag such as en or de-DE')

export const HexColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour such as #1a2b3c')
