import { DEFAULT_BASE_URLS, PROVIDER_PRESETS, type ProviderKind } from '../../../shared/settings/schema'

export type PresetId = keyof typeof PROVIDER_PRESETS | 'custom'

export const PRESET_OPTIONS: readonly { value: PresetId; label: string }[] = [
  ...(Object.entries(PROVIDER_PRESETS) as [keyof typeof PROVIDER_PRESETS, { label: string }][]).map(
    ([value, preset]) => ({ value, label: preset.label }),
  ),
  { value: 'custom', label: 'Custom URL' },
]

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
}

/** Which preset a stored provider setting is: an empty URL is its kind's own API. */
export function presetOf(provider: { kind: ProviderKind; baseUrl: string }): PresetId {
  const url = provider.baseUrl || DEFAULT_BASE_URLS[provider.kind]
  for (const [id, preset] of Object.entries(PROVIDER_PRESETS) as [
    keyof typeof PROVIDER_PRESETS,
    (typeof PROVIDER_PRESETS)[keyof typeof PROVIDER_PRESETS],
  ][]) {
    if (preset.kind === provider.kind && sameUrl(preset.baseUrl, url)) return id
  }
  return 'custom'
}

/**
 * The provider setting a preset stands for. A kind's own API is stored as an empty URL, so it follows the
 * app's default; other presets store their URL. `custom` keeps what the operator typed.
 */
export function applyPreset(
  preset: PresetId,
  current: { kind: ProviderKind; baseUrl: string },
): { kind: ProviderKind; baseUrl: string } {
  if (preset === 'custom') return current
  const { kind, baseUrl } = PROVIDER_PRESETS[preset]
  return { kind, baseUrl: sameUrl(baseUrl, DEFAULT_BASE_URLS[kind]) ? '' : baseUrl }
}
