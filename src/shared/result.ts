import { z } from 'zod'

/** Every failure that crosses the bridge has one of these codes, so the renderer can pick a calm message. */
export const BridgeErrorCodeSchema = z.enum([
  'invalid-request',
  'invalid-settings',
  'not-configured',
  'admin-locked',
  'forbidden',
  'unauthorized',
  'rate-limited',
  'unreachable',
  'timeout',
  'provider-error',
  'llm-error',
  'cancelled',
  /** The configured provider has no such thing (e.g. the legacy API lists no voices or contexts). */
  'not-supported',
  /** Outside the opening hours: no sessions at all. */
  'kiosk-closed',
  /** Today's session minutes reached the daily budget. */
  'budget-reached',
  'internal',
])
export type BridgeErrorCode = z.infer<typeof BridgeErrorCodeSchema>

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() })
export type FieldError = z.infer<typeof FieldErrorSchema>

export const BridgeErrorSchema = z.object({
  code: BridgeErrorCodeSchema,
  message: z.string(),
  fields: z.array(FieldErrorSchema).optional(),
  providerCode: z.union([z.number(), z.string()]).optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
})
export type BridgeErrorPayload = z.infer<typeof BridgeErrorSchema>

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeErrorPayload }

/** Longer than any real field name: a longer key came from the caller, and an error never echoes it whole. */
const MAX_PATH_SEGMENT = 64
/** More than any form or provisioning file shows; beyond it only the count is reported, so errors stay small. */
const MAX_FIELD_ERRORS = 200

function pathSegment(key: PropertyKey): string {
  const text = String(key)
  return text.length > MAX_PATH_SEGMENT ? `${text.slice(0, MAX_PATH_SEGMENT)}…` : text
}

/** Turns zod issues into `a.b.c: message` field errors for forms and for provisioning output. */
export function toFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  const joinPath = (path: readonly PropertyKey[]) =>
    [...prefix, ...path].map(pathSegment).join('.') || '(root)'
  const fields: FieldError[] = []
  let more = 0
  for (const issue of issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined]
    // A caller can send a million unknown keys: name the first ones and count the rest.
    const room = Math.max(0, MAX_FIELD_ERRORS - fields.length)
    more += Math.max(0, keys.length - room)
    for (const key of keys.slice(0, room)) {
      fields.push(
        key === undefined
          ? { path: joinPath(issue.path), message: issue.message }
          : { path: joinPath([...issue.path, key]), message: 'Unknown setting' },
      )
    }
  }
  return more === 0 ? fields : [...fields, { path: '(more)', message: `${more} more problems` }]
}

/** The error a caller sees: carries the code and field errors across process boundaries. */
export class BridgeError extends Error {
  readonly code: BridgeErrorCode
  readonly fields: FieldError[] | undefined
  readonly providerCode: number | string | undefined
  readonly retryAfterMs: number | undefined

  constructor(payload: BridgeErrorPayload) {
    super(payload.message)
    this.name = 'BridgeError'
    this.code = payload.code
    this.fields = payload.fields
    this.providerCode = payload.providerCode
    this.retryAfterMs = payload.retryAfterMs
  }

  toPayload(): BridgeErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields ? { fields: this.fields } : {}),
      ...(this.providerCode !== undefined ? { providerCode: this.providerCode } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    }
  }
}
