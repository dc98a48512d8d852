import { z } from 'zod'

/** Peels `.default()` / `.prefault()` / `.optional()` off a schema, so a patch never fills in defaults. */
function withoutDefaults(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return withoutDefaults(schema.unwrap() as z.ZodType)
  }
  return schema
}

/**
 * Derives the schema of a partial update from the settings schema: every key optional, no defaults applied,
 * unknown keys rejected (a typo in a provisioning file should fail loudly, not be ignored), leaves unchanged.
 */
export function toPatchSchema(schema: z.ZodType): z.ZodType {
  const inner = withoutDefaults(schema)
  if (!(inner instanceof z.ZodObject)) return inner
  const shape: Record<string, z.ZodType> = {}
  for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    shape[key] = toPatchSchema(child).optional()
  }
  return z.strictObject(shape)
}
