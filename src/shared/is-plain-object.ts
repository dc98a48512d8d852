/** A JSON object: not null and not an array (both are `typeof 'object'` too), so its keys can be walked. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
