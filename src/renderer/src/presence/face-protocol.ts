import { z } from 'zod'

/**
 * Messages between the page and the face worker. Both sides parse what they receive: a worker is a boundary
 * like any other, and a malformed message must fail loudly rather than read as "nobody there".
 */

export const FaceWorkerRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    /** Absolute URL of the folder holding the tiny face detector's manifest and weights (our own origin). */
    modelUrl: z.url(),
    /** Detections below this score do not count as a face. */
    minScore: z.number().min(0).max(1),
  }),
  z.object({
    type: z.literal('frame'),
    id: z.number().int().nonnegative(),
    /** Transferred, never copied; the worker closes it as soon as it has read the pixels. */
    bitmap: z.custom<ImageBitmap>(
      (value) => typeof ImageBitmap !== 'undefined' && value instanceof ImageBitmap,
    ),
  }),
])
export type FaceWorkerRequest = z.infer<typeof FaceWorkerRequestSchema>

/** Where the face is, as fractions of the frame (0..1), so no pixel size leaks into the decision. */
export const FaceBoxSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
})
export type FaceBox = z.infer<typeof FaceBoxSchema>

export const FaceWorkerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: z.string() }),
  z.object({
    type: z.literal('result'),
    id: z.number().int().nonnegative(),
    face: z.boolean(),
    /** The best detection's score, or 0 when there was none. */
    score: z.number().min(0).max(1),
    box: FaceBoxSchema.optional(),
    /** Time the detector took for this frame. */
    ms: z.number().nonnegative(),
  }),
  z.object({ type: z.literal('error'), id: z.number().int().nonnegative().optional(), message: z.string() }),
])
export type FaceWorkerReply = z.infer<typeof FaceWorkerReplySchema>
