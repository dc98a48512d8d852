import { z } from 'zod'

/** What the SDK publishes on `agent-control` (FULL): `{event_type, event_id?, text?}`; others are ignored. */
export const agentCommandSchema = z.discriminatedUnion('event_type', [
  z.looseObject({
    event_type: z.literal('avatar.speak_text'),
    event_id: z.string().optional(),
    text: z.string().min(1),
  }),
  z.looseObject({
    event_type: z.literal('avatar.speak_response'),
    event_id: z.string().optional(),
    text: z.string().min(1),
  }),
  z.looseObject({ event_type: z.literal('avatar.interrupt'), event_id: z.string().optional() }),
  z.looseObject({ event_type: z.literal('avatar.start_listening'), event_id: z.string().optional() }),
  z.looseObject({ event_type: z.literal('avatar.stop_listening'), event_id: z.string().optional() }),
  z.looseObject({ event_type: z.literal('user.start_push_to_talk'), event_id: z.string().optional() }),
  z.looseObject({ event_type: z.literal('user.stop_push_to_talk'), event_id: z.string().optional() }),
])
export type AgentCommand = z.infer<typeof agentCommandSchema>

/** What the SDK sends on the LITE WebSocket (`sendCommandEventToWebSocket`), plus the documented keep-alive. */
export const liteCommandSchema = z.discriminatedUnion('type', [
  // ≤ 1 MB of base64 per packet, the documented limit.
  z.looseObject({
    type: z.literal('agent.speak'),
    event_id: z.string().min(1),
    audio: z.base64().max(1024 * 1024),
  }),
  z.looseObject({ type: z.literal('agent.speak_end'), event_id: z.string().min(1) }),
  z.looseObject({ type: z.literal('agent.interrupt'), event_id: z.string().optional() }),
  z.looseObject({ type: z.literal('agent.start_listening'), event_id: z.string().optional() }),
  z.looseObject({ type: z.literal('agent.stop_listening'), event_id: z.string().optional() }),
  z.looseObject({ type: z.literal('session.keep_alive'), event_id: z.string().optional() }),
])
export type LiteCommand = z.infer<typeof liteCommandSchema>

/** LITE socket events: the SDK handles only the two speak events, keyed on `type`. */
export function liteStateUpdated(state: 'connected' | 'connecting' | 'closing' | 'closed'): string {
  return JSON.stringify({ type: 'session.state_updated', state })
}

export function liteSpeakEvent(type: 'agent.speak_started' | 'agent.speak_ended', eventId: string): string {
  return JSON.stringify({ type, event_id: eventId, task: { id: eventId } })
}

/** The base64 chunks of `agent.speak` as PCM16 samples (little-endian; an odd trailing byte is dropped). */
export function decodePcm16(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64')
  const samples = new Int16Array(Math.floor(bytes.length / 2))
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2)
  return samples
}
