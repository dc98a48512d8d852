import { CHARACTER_LOOKS, type CharacterLook } from '../media/character'

export interface SandboxAvatar {
  avatarId: string
  prettyName: string
  look: string
  voiceVariant: 'f3' | 'm3'
}

/** What GET /v1/streaming/avatar.list offers. Any other avatar name still works, drawn as one of these. */
export const SANDBOX_AVATARS: readonly SandboxAvatar[] = [
  { avatarId: 'sandbox_ada', prettyName: 'Ada (sandbox)', look: 'ada', voiceVariant: 'f3' },
  { avatarId: 'sandbox_ben', prettyName: 'Ben (sandbox)', look: 'ben', voiceVariant: 'm3' },
  { avatarId: 'sandbox_cleo', prettyName: 'Cleo (sandbox)', look: 'cleo', voiceVariant: 'f3' },
]

export const DEFAULT_AVATAR = SANDBOX_AVATARS[0]!

/**
 * The sandbox avatar for a requested name: an exact id, else a stable pick by hash, so an app configured
 * with a real provider avatar still gets a session instead of "avatar not found".
 */
export function avatarFor(name: string | undefined | null): SandboxAvatar {
  if (!name) return DEFAULT_AVATAR
  const exact = SANDBOX_AVATARS.find((avatar) => avatar.avatarId === name)
  if (exact) return exact
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return SANDBOX_AVATARS[hash % SANDBOX_AVATARS.length]!
}

export function lookOf(avatar: SandboxAvatar): CharacterLook {
  return CHARACTER_LOOKS[avatar.look]!
}
