import { describe, expect, it } from 'vitest'
import { SettingsSchema } from '../../../src/shared/settings/schema'
import { startOptionsFromSettings } from '../../../src/renderer/src/session/start-options'
import { toStartRequest } from '../../../src/renderer/src/provider/heygen-start-request'

describe('startOptionsFromSettings', () => {
  it('leaves provider defaults alone when the operator set nothing (the kind’s sample avatar)', () => {
    expect(startOptionsFromSettings(SettingsSchema.parse({})).avatarName).toBe(
      'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a',
    )
    expect(startOptionsFromSettings(SettingsSchema.parse({ provider: { kind: 'heygen' } }))).toEqual({
      avatarName: 'Wayne_20240711',
      quality: 'high',
      language: 'en',
      voiceChatTransport: 'websocket',
      activityIdleTimeout: 120,
      useSilencePrompt: false,
      enablePushToTalk: false,
    })
  })

  it('passes every avatar setting to the SDK request', () => {
    const settings = SettingsSchema.parse({
      avatar: {
        id: 'Lobby_Host',
        quality: 'medium',
        voiceId: 'voice-7',
        voiceRate: 1.2,
        voiceEmotion: 'friendly',
        elevenlabsModel: 'eleven_multilingual_v2',
        elevenlabs: { stability: 0.4, similarityBoost: 0.7, style: 0.1, useSpeakerBoost: true },
        language: 'de',
        knowledgeId: 'kb-1',
        knowledgeBase: 'We open at nine.',
        stt: { provider: 'deepgram', confidence: 0.6 },
        transport: 'livekit',
        activityIdleTimeoutSeconds: 300,
        silencePrompt: true,
        pushToTalk: true,
      },
    })
    expect(toStartRequest(startOptionsFromSettings(settings))).toEqual({
      avatarName: 'Lobby_Host',
      quality: 'medium',
      voice: {
        voiceId: 'voice-7',
        rate: 1.2,
        emotion: 'friendly',
        model: 'eleven_multilingual_v2',
        elevenlabsSettings: { stability: 0.4, similarity_boost: 0.7, style: 0.1, use_speaker_boost: true },
      },
      language: 'de',
      knowledgeId: 'kb-1',
      knowledgeBase: 'We open at nine.',
      sttSettings: { provider: 'deepgram', confidence: 0.6 },
      voiceChatTransport: 'livekit',
      activityIdleTimeout: 300,
      useSilencePrompt: true,
      enablePushToTalk: true,
    })
  })
})
