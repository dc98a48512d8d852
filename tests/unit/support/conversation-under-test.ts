import type { KioskBridge } from '../../../src/shared/bridge-api'
import { SettingsSchema } from '../../../src/shared/settings/schema'
import { Conversation } from '../../../src/renderer/src/conversation/conversation'
import type { AvatarSession } from '../../../src/renderer/src/provider/avatar-provider'
import type { ConversationOverlay } from '../../../src/renderer/src/stage/conversation-overlay'
import type { VisitorInput } from '../../../src/renderer/src/stage/visitor-input'

/** The provider setting that goes with a session: one that speaks only audio is LiveAvatar LITE. */
export function providerFor(session: AvatarSession) {
  const lite = session.capabilities.speaksAudio && !session.capabilities.speaksText
  return lite ? { kind: 'liveavatar', liveavatar: { mode: 'lite' } } : { kind: 'heygen' }
}

/**
 * A renderer Conversation on a fake bridge, with the overlay and input faked: what the avatar says is recorded
 * as `lines`, the visitor's words it shows as `shown`. `settings` is raw input to the settings schema.
 */
export function conversationUnderTest(bridge: KioskBridge, settings: Record<string, unknown>) {
  const lines: string[] = []
  const shown: string[] = []
  const overlay = {
    showAvatarLine: (text: string) => lines.push(text),
    showVisitorUtterance: (text: string) => shown.push(text),
    setListening: () => undefined,
  } as unknown as ConversationOverlay
  const input = {
    setEnabled: () => undefined,
    setHint: () => undefined,
    setMicrophoneControl: () => undefined,
  } as unknown as VisitorInput
  const conversation = new Conversation({
    bridge,
    overlay,
    input,
    noteVisitorActivity: () => undefined,
    log: () => undefined,
  })
  conversation.applySettings(SettingsSchema.parse(settings))
  return { conversation, lines, shown }
}
