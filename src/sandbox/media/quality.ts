export type AvatarQuality = 'low' | 'medium' | 'high'

export interface VideoProfile {
  width: number
  height: number
  bitrateKbps: number
}

/** The provider's documented ladder: low 360p/500 kbps, medium 480p/1000 kbps, high 720p/2000 kbps. */
export const VIDEO_PROFILES: Readonly<Record<AvatarQuality, VideoProfile>> = {
  low: { width: 640, height: 360, bitrateKbps: 500 },
  medium: { width: 854, height: 480, bitrateKbps: 1000 },
  high: { width: 1280, height: 720, bitrateKbps: 2000 },
}

/** The SDK sends no quality when the app sets none; the provider then streams medium. */
export const DEFAULT_QUALITY: AvatarQuality = 'medium'

export const VIDEO_FPS = 25
/** ffmpeg cannot answer a PLI, so a late subscriber waits for the next keyframe: keep it under a second. */
export const VIDEO_GOP_FRAMES = 20
