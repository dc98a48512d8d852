/**
 * What a log line's context may cost. A kiosk runs for months on a small disk: one careless `log.info(..., {
 * body })` with a provider's whole reply, a WAV in base64 or a cyclic object must neither fill the log nor throw
 * from inside the logger.
 */
export const LOG_CONTEXT_LIMITS = {
  /** Characters of one string value. */
  stringChars: 2000,
  /** Items of one array. */
  arrayItems: 20,
  /** Keys of one object. */
  objectKeys: 40,
  /** Objects inside objects; deeper ones are named, not shown. */
  depth: 5,
  /** Values in the whole context, so breadth times depth stays small too. */
  values: 500,
  /** Characters of the whole context once written as JSON. */
  totalChars: 16_000,
} as const

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** Cuts a string, saying how much was left out. */
export function cutText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…[${text.length - limit} more chars]`
}

/**
 * A bounded, JSON-safe copy of a log context. `redactText` runs on every string before it is cut, so a cut can
 * never leave half of a secret that redaction would no longer recognise.
 */
export function boundLogContext(
  context: Record<string, unknown>,
  redactText: (text: string) => string,
): Record<string, JsonValue> {
  let budget: number = LOG_CONTEXT_LIMITS.values
  // Only the objects on the path to the current value: the same object twice side by side is not a cycle.
  const ancestors = new Set<object>()

  const bound = (value: unknown, depth: number): JsonValue => {
    budget -= 1
    if (budget < 0) return '[…]'
    if (value === null || typeof value === 'boolean') return value
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
    if (typeof value === 'string') return cutText(redactText(value), LOG_CONTEXT_LIMITS.stringChars)
    if (typeof value === 'bigint') return value.toString()
    if (value === undefined) return null
    if (typeof value !== 'object') return `[${typeof value}]`
    if (value instanceof Error) return { name: value.name, message: bound(value.message, depth + 1) }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
    if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`
    if (ancestors.has(value)) return '[circular]'
    if (depth >= LOG_CONTEXT_LIMITS.depth) return Array.isArray(value) ? '[array]' : '[object]'
    ancestors.add(value)
    try {
      return Array.isArray(value) ? boundArray(value, depth) : boundObject(value, depth)
    } finally {
      ancestors.delete(value)
    }
  }

  const boundArray = (items: unknown[], depth: number): JsonValue[] => {
    const shown = items.slice(0, LOG_CONTEXT_LIMITS.arrayItems).map((item) => bound(item, depth + 1))
    const hidden = items.length - shown.length
    return hidden > 0 ? [...shown, `…[${hidden} more items]`] : shown
  }

  const boundObject = (object: object, depth: number): Record<string, JsonValue> => {
    const result: Record<string, JsonValue> = {}
    const keys = Object.keys(object)
    for (const key of keys.slice(0, LOG_CONTEXT_LIMITS.objectKeys)) {
      // As JSON does: a key whose value is undefined is left out.
      const value = readProperty(object, key, (value) =>
        value === undefined ? undefined : bound(value, depth + 1),
      )
      if (value !== undefined) result[cutText(redactText(key), 100)] = value
    }
    if (keys.length > LOG_CONTEXT_LIMITS.objectKeys) {
      result['…'] = `${keys.length - LOG_CONTEXT_LIMITS.objectKeys} more keys`
    }
    return result
  }

  ancestors.add(context)
  return boundObject(context, 0)
}

/** A getter that throws must not take the log line down with it. */
function readProperty(
  object: object,
  key: string,
  bound: (value: unknown) => JsonValue | undefined,
): JsonValue | undefined {
  try {
    return bound((object as Record<string, unknown>)[key])
  } catch {
    return '[unreadable]'
  }
}
