import { randomUUID } from 'node:crypto'

/**
 * LiveAvatar's server events as the SDK reads them (`getAgentEventEmitArgs`): on the LiveKit data channel,
 * topic `agent-response`, each `{event_id, event_type, session_id, source_event_id, ...fields}`. Kept as data,
 * like the legacy table, because the docs and the SDK disagree in places.
 */
export const AGENT_RESPONSE_TOPIC = 'agent-response'
export const AGENT_CONTROL_TOPIC = 'agent-control'

export const AGENT_EVENTS = {
  'user.speak_started': [],
  'user.speak_ended': [],
  'user.transcription.chunk': ['text'],
  'user.transcription': ['text'],
  'avatar.speak_started': [],
  'avatar.transcription.chunk': ['text'],
  'avatar.transcription': ['text'],
  'avatar.speak_ended': [],
  // The SDK's push-to-talk waits for these with no timeout.
  'user.push_to_talk_started': [],
  'user.push_to_talk_stopped': [],
  // The docs name the reason `end_reason`, the SDK reads `stop_reason`: both are sent.
  'session.stopped': ['stop_reason', 'end_reason'],
} as const satisfies Record<string, readonly string[]>

export type AgentEventType = keyof typeof AGENT_EVENTS
export type AgentEventFields<E extends AgentEventType> = Record<(typeof AGENT_EVENTS)[E][number], string>

/** SessionEndReason values (OpenAPI). */
export type SessionEndReason =
  | 'UNKNOWN'
  | 'USER_DISCONNECTED'
  | 'SERVER_ERROR'
  | 'IDLE_TIMEOUT'
  | 'NO_CREDITS'
  | 'USER_CLOSED'
  | 'AVATAR_DELETED'
  | 'MAX_DURATION_REACHED'
  | 'ZOMBIE_SESSION_REAP'
  | 'AGENT_HANG_UP'

export const SESSION_END_REASONS: readonly SessionEndReason[] = [
  'UNKNOWN',
  'USER_DISCONNECTED',
  'SERVER_ERROR',
  'IDLE_TIMEOUT',
  'NO_CREDITS',
  'USER_CLOSED',
  'AVATAR_DELETED',
  'MAX_DURATION_REACHED',
  'ZOMBIE_SESSION_REAP',
  'AGENT_HANG_UP',
]

export function encodeAgentEvent<E extends AgentEventType>(
  type: E,
  context: { sessionId: string; sourceEventId: string | null },
  fields: AgentEventFields<E>,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    event_id: randomUUID(),
    event_type: type,
    session_id: context.sessionId,
    // Which command an event answers: the docs do not say; the command's event_id is the natural guess.
    source_event_id: context.sourceEventId,
  }
  const given = fields as Record<string, string | undefined>
  for (const field of AGENT_EVENTS[type] as readonly string[]) {
    if (given[field] === undefined) throw new TypeError(`${type} needs ${field}`)
    json[field] = given[field]
  }
  return json
}
