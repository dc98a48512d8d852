import { z } from 'zod'

/** What the SDK's newSession sends. Everything is optional, and unknown fields pass, as with the provider. */
export const newSessionSchema = z.looseObject({
  avatar_name: z.string().nullish(),
  avatar_id: z.string().nullish(),
  quality: z
    .string()
    .transform((quality) => quality.toLowerCase())
    .pipe(z.enum(['low', 'medium', 'high']))
    .nullish(),
  knowledge_base: z.string().nullish(),
  knowledge_base_id: z.string().nullish(),
  voice: z
    .looseObject({
      voice_id: z.string().nullish(),
      rate: z.number().nullish(),
      emotion: z.string().nullish(),
    })
    .nullish(),
  language: z.string().nullish(),
  version: z.string().nullish(),
  video_encoding: z.string().nullish(),
  disable_idle_timeout: z.boolean().nullish(),
  ia_is_livekit_transport: z.boolean().nullish(),
  silence_response: z.boolean().nullish(),
  activity_idle_timeout: z.number().positive().nullish(),
})
export type NewSessionRequest = z.infer<typeof newSessionSchema>

/** Every later call names its session; a missing id is the provider's "Unauthorized". */
export const sessionRequestSchema = z.looseObject({ session_id: z.string().min(1).nullish() })

export const taskRequestSchema = z.looseObject({
  session_id: z.string().min(1),
  text: z.string().min(1),
  // The SDK only forwards `taskType`, so this is often missing; "chat" is the older name of "talk".
  task_type: z
    .enum(['talk', 'repeat', 'chat'])
    .nullish()
    .transform((type) => (type === 'repeat' ? 'repeat' : 'talk')),
  task_mode: z
    .enum(['sync', 'async'])
    .nullish()
    .transform((mode) => mode ?? 'sync'),
})
