/**
 * Which channel carries which event to the SDK, and what each payload holds. The provider documents none of
 * this, so it lives here as data, in one place, to be corrected as real traffic is observed.
 *
 * The SDK accepts every event on both channels: from the LiveKit data channel it dispatches on `type`, from
 * the chat socket on `event_type`. Sending an event on both would make the SDK emit it twice, so each event
 * has exactly one channel per voice-chat transport.
 */

export type VoiceChatTransport = 'websocket' | 'livekit'
export type EventChannel = 'data-channel' | 'chat-socket'

export interface EventFields {
  task_id: string
  /** avatar_talking_message: one word plus its trailing space; user messages: the visitor's words. */
  message: string
  duration_ms: number
}

interface EventSpec {
  channel: Readonly<Record<VoiceChatTransport, EventChannel>>
  fields: readonly (keyof EventFields)[]
}

// The avatar's own events come from the room it streams in; what the speech-to-text hears comes from
// wherever the visitor's audio went: the chat socket (WebSocket voice chat) or the room (LiveKit voice chat).
const AVATAR_ROOM = { websocket: 'data-channel', livekit: 'data-channel' } as const
const VISITOR_AUDIO_PATH = { websocket: 'chat-socket', livekit: 'data-channel' } as const

export const EVENT_TABLE = {
  avatar_start_talking: { channel: AVATAR_ROOM, fields: ['task_id'] },
  avatar_talking_message: { channel: AVATAR_ROOM, fields: ['task_id', 'message'] },
  avatar_end_message: { channel: AVATAR_ROOM, fields: ['task_id'] },
  avatar_stop_talking: { channel: AVATAR_ROOM, fields: ['task_id', 'duration_ms'] },
  user_start: { channel: VISITOR_AUDIO_PATH, fields: ['task_id'] },
  user_talking_message: { channel: VISITOR_AUDIO_PATH, fields: ['task_id', 'message'] },
  user_stop: { channel: VISITOR_AUDIO_PATH, fields: ['task_id'] },
  user_end_message: { channel: VISITOR_AUDIO_PATH, fields: ['task_id', 'message'] },
} as const satisfies Record<string, EventSpec>

/** The key each channel names the event under, as the SDK reads it. */
export const CHANNEL_TYPE_KEY = { 'data-channel': 'type', 'chat-socket': 'event_type' } as const

export type SandboxEventName = keyof typeof EVENT_TABLE
export type EventPayload<E extends SandboxEventName> = Pick<
  EventFields,
  (typeof EVENT_TABLE)[E]['fields'][number]
>

export interface EncodedEvent {
  channel: EventChannel
  json: Record<string, unknown>
}

/** The wire form of one event: the channel it goes on and the JSON object the SDK will see as `detail`. */
export function encodeEvent<E extends SandboxEventName>(
  name: E,
  payload: EventPayload<E>,
  transport: VoiceChatTransport,
): EncodedEvent {
  const spec: EventSpec = EVENT_TABLE[name]
  const channel = spec.channel[transport]
  const json: Record<string, unknown> = { [CHANNEL_TYPE_KEY[channel]]: name }
  const fields = payload as Partial<EventFields>
  for (const field of spec.fields) {
    if (fields[field] === undefined) throw new TypeError(`${name} needs ${field}`)
    json[field] = fields[field]
  }
  return { channel, json }
}
