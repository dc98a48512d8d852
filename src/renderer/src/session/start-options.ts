import { avatarIdFor, type Settings } from '../../../shared/settings/schema'
import type { AvatarStartOptions } from '../provider/avatar-provider'

/** Every avatar setting the operator chose, as a provider start request. Empty values mean "provider default". */
export function startOptionsFromSettings(settings: Settings): AvatarStartOptions {
  const { avatar } = settings
  const elevenlabs = {
    ...(avatar.elevenlabs.stability !== undefined ? { stability: avatar.elevenlabs.stability } : {}),
    ...(avatar.elevenlabs.similarityBoost !== undefined
      ? { similarity_boost: avatar.elevenlabs.similarityBoost }
      : {}),
    ...(avatar.elevenlabs.style !== undefined ? { style: avatar.elevenlabs.style } : {}),
    ...(avatar.elevenlabs.useSpeakerBoost !== undefined
      ? { use_speaker_boost: avatar.elevenlabs.useSpeakerBoost }
      : {}),
  }
  const voice = {
    ...(avatar.voiceId ? { voiceId: avatar.voiceId } : {}),
    ...(avatar.voiceRate !== 1 ? { rate: avatar.voiceRate } : {}),
    ...(avatar.voiceEmotion ? { emotion: avatar.voiceEmotion } : {}),
    ...(avatar.elevenlabsModel ? { model: avatar.elevenlabsModel } : {}),
    ...(Object.keys(elevenlabs).length > 0 ? { elevenlabsSettings: elevenlabs } : {}),
  }
  const stt = {
    ...(avatar.stt.provider ? { provider: avatar.stt.provider } : {}),
    ...(avatar.stt.confidence !== undefined ? { confidence: avatar.stt.confidence } : {}),
  }
  return {
    // Empty means the kind's sample avatar (LiveAvatar's id goes into the token, in main; this is the legacy path).
    avatarName: avatarIdFor(settings),
    quality: avatar.quality,
    ...(Object.keys(voice).length > 0 ? { voice } : {}),
    language: avatar.language,
    ...(avatar.knowledgeId ? { knowledgeId: avatar.knowledgeId } : {}),
    ...(avatar.knowledgeBase ? { knowledgeBase: avatar.knowledgeBase } : {}),
    ...(Object.keys(stt).length > 0 ? { sttSettings: stt } : {}),
    voiceChatTransport: avatar.transport,
    activityIdleTimeout: avatar.activityIdleTimeoutSeconds,
    useSilencePrompt: avatar.silencePrompt,
    enablePushToTalk: avatar.pushToTalk,
  }
}
