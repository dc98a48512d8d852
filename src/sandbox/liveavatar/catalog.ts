import { avatarFor, SANDBOX_AVATARS, type SandboxAvatar } from '../session/avatars'

/**
 * What the admin pickers list: avatars, voices and contexts in LiveAvatar's shapes, each backed by one of the
 * sandbox's drawn characters, voices and personas.
 */

/** The avatar of LiveAvatar's sandbox mode, and the default avatar id of a fresh LiveAvatar install. */
export const WAYNE_AVATAR_ID = 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a'

interface CatalogAvatar {
  id: string
  name: string
  look: SandboxAvatar
}

const look = (avatarId: string): SandboxAvatar => SANDBOX_AVATARS.find((a) => a.avatarId === avatarId)!

export const LIVEAVATAR_AVATARS: readonly CatalogAvatar[] = [
  { id: WAYNE_AVATAR_ID, name: 'Wayne (sandbox)', look: look('sandbox_ben') },
  { id: '5a1f0a39-8d4e-4a8e-9a43-0c6f3a1d0a01', name: 'Ada (sandbox)', look: look('sandbox_ada') },
  { id: '5a1f0a39-8d4e-4a8e-9a43-0c6f3a1d0a02', name: 'Ben (sandbox)', look: look('sandbox_ben') },
  { id: '5a1f0a39-8d4e-4a8e-9a43-0c6f3a1d0a03', name: 'Cleo (sandbox)', look: look('sandbox_cleo') },
]

/** The character drawn for an avatar id: the catalogue's, else a stable pick so any id gets a session. */
export function characterFor(avatarId: string): SandboxAvatar {
  return LIVEAVATAR_AVATARS.find((avatar) => avatar.id === avatarId)?.look ?? avatarFor(avatarId)
}

const CREATED_AT = '2025-01-01T00:00:00Z'

export interface VoiceEntry {
  id: string
  name: string
  description: string
  language: string
  gender: 'female' | 'male'
  tags: string[]
  created_at: string
  updated_at: string
}

export const LIVEAVATAR_VOICES: readonly VoiceEntry[] = [
  voice('7b0c3d52-1f7e-4a55-8d1e-6b6c2b1e0a01', 'Sandbox female (espeak-ng f3)', 'en', 'female'),
  voice('7b0c3d52-1f7e-4a55-8d1e-6b6c2b1e0a02', 'Sandbox male (espeak-ng m3)', 'en', 'male'),
  voice('7b0c3d52-1f7e-4a55-8d1e-6b6c2b1e0a03', 'Sandbox German (espeak-ng)', 'de', 'female'),
]

function voice(id: string, name: string, language: string, gender: VoiceEntry['gender']): VoiceEntry {
  return {
    id,
    name,
    description: 'Offline synthetic voice',
    language,
    gender,
    tags: ['sandbox'],
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
  }
}

/** A catalogue voice's espeak-ng variant, if the id is one of ours. */
export function voiceVariantFor(voiceId: string | null | undefined): 'f3' | 'm3' | undefined {
  const entry = LIVEAVATAR_VOICES.find((candidate) => candidate.id === voiceId)
  if (!entry) return undefined
  return entry.gender === 'male' ? 'm3' : 'f3'
}

export interface ContextEntry {
  id: string
  name: string
  prompt: string
  opening_text: string
}

/** Contexts ("knowledge bases"): the responder answers from the prompt's sentences. */
export const LIVEAVATAR_CONTEXTS: readonly ContextEntry[] = [
  {
    id: 'sandbox-context',
    name: 'Sandbox hotel concierge',
    prompt: [
      'You are Sandy, the concierge of the sandbox hotel.',
      'The cafe is on the ground floor and opens at eight.',
      'The restaurant opens at seven in the evening.',
      'Checkout is at eleven in the morning.',
    ].join(' '),
    opening_text: 'Hello, I am Sandy. How can I help you?',
  },
  {
    id: '3c9e8f1a-6d2b-4f0e-8a7c-5b4d3e2f1a01',
    name: 'Sandbox product demo',
    prompt: [
      'You are Max, the guide of the Avatar Kiosk sandbox.',
      'The sandbox runs offline on this machine with a drawn character and a synthetic voice.',
    ].join(' '),
    opening_text: 'Hi, I am Max.',
  },
]

export function contextFor(contextId: string | null | undefined): ContextEntry | undefined {
  return LIVEAVATAR_CONTEXTS.find((context) => context.id === contextId)
}

export function avatarEntry(avatar: CatalogAvatar): Record<string, unknown> {
  const defaultVoice = LIVEAVATAR_VOICES[avatar.look.voiceVariant === 'm3' ? 1 : 0]!
  return {
    id: avatar.id,
    space_id: null,
    type: 'VIDEO',
    status: 'ACTIVE',
    name: avatar.name,
    // The sandbox has no preview pictures; the schema allows none.
    preview_url: null,
    is_expired: false,
    default_voice: { id: defaultVoice.id, name: defaultVoice.name },
    is_1080p: false,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    error_message: null,
  }
}
