import type { StartAvatarRequest } from '@heygen/streaming-avatar'
import type { AvatarStartOptions } from './avatar-provider'

/** Our provider-neutral start options as the HeyGen SDK's request (its enums are these same strings). */
export function toStartRequest(options: AvatarStartOptions): StartAvatarRequest {
  return {
    avatarName: options.avatarName,
    quality: options.quality as StartAvatarRequest['quality'],
    ...(options.voice ? { voice: options.voice as StartAvatarRequest['voice'] } : {}),
    ...(options.language ? { language: options.language } : {}),
    ...(options.knowledgeId ? { knowledgeId: options.knowledgeId } : {}),
    ...(options.knowledgeBase ? { knowledgeBase: options.knowledgeBase } : {}),
    ...(options.sttSettings ? { sttSettings: options.sttSettings as StartAvatarRequest['sttSettings'] } : {}),
    voiceChatTransport: options.voiceChatTransport as StartAvatarRequest['voiceChatTransport'],
    activityIdleTimeout: options.activityIdleTimeout,
    useSilencePrompt: options.useSilencePrompt,
    enablePushToTalk: options.enablePushToTalk,
  }
}
