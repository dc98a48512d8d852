import type { Settings } from '../../../shared/settings/schema'
import type { AvatarCapabilities } from '../provider/avatar-provider'

export type ConversationMode = 'provider' | 'llm'

/** LiveAvatar LITE only renders our audio: it has no speech-to-text and no LLM of its own. */
export function isLiveAvatarLite(settings: Pick<Settings, 'provider'>): boolean {
  return settings.provider.kind === 'liveavatar' && settings.provider.liveavatar.mode === 'lite'
}

/**
 * Who really answers: the chosen mode, except where the provider cannot (LiveAvatar LITE, or a live session
 * without a voice chat of its own), which always means our own LLM.
 */
export function effectiveConversationMode(
  settings: Pick<Settings, 'provider' | 'conversation'>,
  capabilities?: AvatarCapabilities,
): ConversationMode {
  if (isLiveAvatarLite(settings)) return 'llm'
  if (capabilities && !capabilities.voiceChat) return 'llm'
  return settings.conversation.mode
}
