import { z } from 'zod'

/**
 * `POST /v1/sessions/token`, FULL or LITE (notes §1.3). Unknown fields pass, as they do at the provider; the
 * ones the sandbox acts on are checked. `CUSTOM` is LITE's old name and still accepted as LITE.
 */
export const tokenRequestSchema = z.looseObject({
  mode: z
    .enum(['FULL', 'LITE', 'CUSTOM'])
    .default('FULL')
    .transform((mode) => (mode === 'CUSTOM' ? 'LITE' : mode)),
  // Not checked as a UUID: the sandbox draws any avatar id it is given, as the legacy front-end does.
  avatar_id: z.string().trim().min(1),
  is_sandbox: z.boolean().default(false),
  video_settings: z
    .looseObject({
      quality: z.enum(['very_high', 'high', 'medium', 'low']).optional(),
      encoding: z.enum(['VP8', 'H264']).optional(),
    })
    .optional(),
  avatar_persona: z
    .looseObject({
      voice_id: z.string().nullish(),
      context_id: z.string().nullish(),
      language: z.string().default('en'),
    })
    .optional(),
  // Newer docs replace avatar_persona with a voice agent; the sandbox only takes its language.
  voice_agent: z.looseObject({ id: z.string().optional(), language: z.string().optional() }).optional(),
  interactivity_type: z.enum(['CONVERSATIONAL', 'PUSH_TO_TALK']).default('CONVERSATIONAL'),
  max_session_duration: z.number().int().positive().optional(),
})
export type TokenRequest = z.infer<typeof tokenRequestSchema>
export type LiveAvatarMode = TokenRequest['mode']

/** `/stop` and `/keep-alive`: with an API key the body names the session; with a bearer token it is empty. */
export const sessionCallSchema = z.looseObject({
  session_id: z.string().min(1).optional(),
  reason: z.string().optional(),
})

export const listSessionsQuerySchema = z.object({
  type: z.enum(['active', 'historic']),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
})

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
})
