import type { AvatarCapabilities, AvatarSession } from '../../../src/renderer/src/provider/avatar-provider'

/**
 * A live avatar session for renderer unit tests: text it is asked to REPEAT and audio it is sent are recorded,
 * and what its capabilities rule out is refused, as the provider would.
 */
export function fakeAvatarSession(capabilities: AvatarCapabilities) {
  const repeats: string[] = []
  const sent: string[] = []
  let interrupts = 0
  const session: AvatarSession = {
    id: 'fake-session',
    stream: {} as MediaStream,
    durationLimitMs: undefined,
    capabilities,
    on: () => () => undefined,
    speak: async (text, options) => {
      if (!capabilities.speaksText) throw new Error('this avatar speaks only audio')
      if (options.type === 'repeat') repeats.push(text)
    },
    speakAudio: async (pcm) => {
      if (!capabilities.speaksAudio) throw new Error('this avatar speaks only text')
      sent.push(pcm)
    },
    interrupt: async () => {
      interrupts += 1
    },
    keepAlive: async () => undefined,
    startVoiceChat: async () => {
      if (!capabilities.voiceChat) throw new Error('no voice chat')
    },
    closeVoiceChat: async () => undefined,
    setMicrophoneMuted: () => undefined,
    pushToTalk: async () => undefined,
    stop: async () => undefined,
  }
  return { session, repeats, sent, interrupts: () => interrupts }
}

/** LiveAvatar LITE: it lip-syncs audio we send and refuses text. */
export const liteSession = () => fakeAvatarSession({ speaksText: false, speaksAudio: true, voiceChat: false })

/** An avatar that speaks text (legacy HeyGen, LiveAvatar FULL): our sentences go out as REPEAT tasks. */
export const textSession = () => fakeAvatarSession({ speaksText: true, speaksAudio: false, voiceChat: true })
