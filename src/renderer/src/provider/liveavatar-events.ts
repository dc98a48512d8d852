import type { AvatarSessionEvent, AvatarSessionEvents } from './avatar-provider'

/** The SDK's agent events the kiosk uses (`AgentEventsEnum` values), as plain strings. */
export const LIVEAVATAR_AGENT_EVENTS = [
  'avatar.speak_started',
  'avatar.speak_ended',
  'avatar.transcription.chunk',
  'avatar.transcription',
  'user.speak_started',
  'user.speak_ended',
  'user.transcription.chunk',
  'user.transcription',
] as const
export type LiveAvatarAgentEvent = (typeof LIVEAVATAR_AGENT_EVENTS)[number]

export type NeutralEvent = {
  [Name in AvatarSessionEvent]: [Name, AvatarSessionEvents[Name]]
}[AvatarSessionEvent]

function text(payload: unknown): string {
  const value = (payload as { text?: unknown } | undefined)?.text
  return typeof value === 'string' ? value : ''
}

function taskId(payload: unknown): { taskId?: string } {
  const id = (payload as { event_id?: unknown } | undefined)?.event_id
  return typeof id === 'string' && id !== '' ? { taskId: id } : {}
}

/** The whole text so far, unless there is none (an empty final must not wipe the caption). */
function whole(name: 'avatarTalkingMessage' | 'userTalkingMessage', payload: unknown): NeutralEvent[] {
  const value = text(payload)
  return value === '' ? [] : [[name, { text: value, cumulative: true }]]
}

/**
 * One LiveAvatar agent event as the controller's provider-neutral events. The avatar's chunks are single words
 * (appended); the visitor's chunks are the whole utterance so far (they replace), as in HeyGen's own demo. A final
 * transcription also carries the whole text, so a `repeat()` that sent no chunks still gets a caption.
 */
export function mapAgentEvent(name: LiveAvatarAgentEvent, payload: unknown): NeutralEvent[] {
  switch (name) {
    case 'avatar.speak_started':
      return [['avatarStartTalking', taskId(payload)]]
    case 'avatar.speak_ended':
      return [['avatarStopTalking', taskId(payload)]]
    case 'avatar.transcription.chunk':
      return [['avatarTalkingMessage', { text: text(payload) }]]
    case 'avatar.transcription':
      return [...whole('avatarTalkingMessage', payload), ['avatarEndMessage', {}]]
    case 'user.speak_started':
      return [['userStart', {}]]
    case 'user.speak_ended':
      return [['userStop', {}]]
    case 'user.transcription.chunk':
      return [['userTalkingMessage', { text: text(payload), cumulative: true }]]
    case 'user.transcription':
      return [...whole('userTalkingMessage', payload), ['userEndMessage', {}]]
  }
}
