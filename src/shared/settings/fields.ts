import { z } from 'zod'

/** An http(s) base URL, stored without a trailing slash so paths can be appended safely. */
export const BaseUrlSchema = z
  .url({ protocol: /^https?$/, message: 'Must be an http:// or https:// URL' })
  .transform((url) => url.replace(/\/+$/, ''))

/** A base URL, or empty for "the default"; a bad value gets the same message as a required URL. */
export const OptionalBaseUrlSchema = z.union([z.literal(''), BaseUrlSchema], {
  error: 'Must be an http:// or https:// URL, or empty for the default',
})

/** BCP-47-ish language tag such as `en`, `de-DE` or `zh-Hans`. */
export const LanguageTagSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag such as en or de-DE')

export const HexColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour such as #1a2b3c')
