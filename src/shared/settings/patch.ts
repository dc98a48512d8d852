import { z } from 'zod'

/** Peels `.default()` / `.prefault()` / `.optional()` off a schema, so a patch never fills in defaults. */
function withoutDefaults(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return withoutDefaults(schema.unwrap() as z.ZodType)
  }
  return schema
}

function partialStrictObject(object: z.ZodObject, requiredKey?: string): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const [key, child] of Object.entries(object.shape as Record<string, z.ZodType>)) {
    shape[key] = key === requiredKey ? child : toPatchSchema(child).optional()
  }
  return z.strictObject(shape)
}

/**
 * Derives the schema of a partial update from the settings schema: every key optional, no defaults applied,
 * unknown keys rejected (a typo in a provisioning file should fail loudly, not be ignored), leaves unchanged.
 * A discriminated union (the background: colour, image, video or gradient) must name its variant; its other
 * fields are optional and merge onto the stored ones.
 */
export function toPatchSchema(schema: z.ZodType): z.ZodType {
  const inner = withoutDefaults(schema)
  if (inner instanceof z.ZodObject) return partialStrictObject(inner)
  if (inner instanceof z.ZodDiscriminatedUnion) {
    const discriminator = inner._zod.def.discriminator
    const variants = (inner.options as z.ZodObject[]).map((variant) =>
      partialStrictObject(variant, discriminator),
    )
    return z.discriminatedUnion(discriminator, variants as [z.ZodObject, ...z.ZodObject[]])
  }
  return inner
}
