import { describe, expect, it } from 'vitest'
import { toFieldErrors } from '../../../src/shared/result'
import {
  SETTINGS_VERSION,
  SettingsPatchSchema,
  SettingsSchema,
  avatarIdFor,
  defaultSettings,
  mergeSettingsPatch,
  providerBaseUrl,
} from '../../../src/shared/settings/schema'

function patchErrors(patch: unknown) {
  const result = SettingsPatchSchema.safeParse(patch)
  return result.success ? [] : toFieldErrors(result.error.issues)
}

describe('SettingsSchema', () => {
  it('fills every default from an empty object and stamps the version', () => {
    const settings = defaultSettings()
    expect(settings.version).toBe(SETTINGS_VERSION)
    // A fresh install speaks LiveAvatar; an empty base URL and avatar mean the kind's own defaults.
    expect(settings.provider.kind).toBe('liveavatar')
    expect(settings.provider.baseUrl).toBe('')
    expect(providerBaseUrl(settings.provider)).toBe('https://api.liveavatar.com')
    expect(avatarIdFor(settings)).toBe('dd73ea75-1218-4ef3-92ce-606d5f7fbc0a')
    expect(settings.provider.liveavatar).toEqual({
      mode: 'full',
      sandbox: false,
      maxSessionDurationSeconds: 0,
    })
    expect(settings.llm.speech).toEqual({
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      baseUrl: '',
      timeoutMs: 10_000,
    })
    expect(settings.avatar.quality).toBe('high')
    expect(settings.display.windowMode).toBe('kiosk')
    expect(settings.display.chromaKey.enabled).toBe(true)
  })

  it('stores base URLs without trailing slashes', () => {
    const settings = SettingsSchema.parse({ provider: { baseUrl: 'https://example.test/api///' } })
    expect(settings.provider.baseUrl).toBe('https://example.test/api')
  })

  it('gives each provider kind its own API and avatar, and keeps explicit ones', () => {
    const heygen = SettingsSchema.parse({ provider: { kind: 'heygen' } })
    expect(providerBaseUrl(heygen.provider)).toBe('https://api.heygen.com')
    expect(avatarIdFor(heygen)).toBe('Wayne_20240711')
    const konpro = SettingsSchema.parse({
      provider: { kind: 'heygen', baseUrl: 'https://api.konpro.ai' },
      avatar: { id: 'Anna_public' },
    })
    expect(providerBaseUrl(konpro.provider)).toBe('https://api.konpro.ai')
    expect(avatarIdFor(konpro)).toBe('Anna_public')
  })

  it.each(['ftp://example.test', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url'])(
    'refuses the provider base URL %j',
    (baseUrl) => {
      const result = SettingsSchema.safeParse({ provider: { baseUrl } })
      expect(result.success).toBe(false)
      expect(toFieldErrors(result.error?.issues ?? []).map((field) => field.path)).toEqual([
        'provider.baseUrl',
      ])
    },
  )

  it('explains a bad optional URL the same way as a required one, and accepts empty', () => {
    for (const path of ['provider.baseUrl', 'llm.transcriptionBaseUrl', 'llm.speech.baseUrl'] as const) {
      const [section, ...rest] = path.split('.') as [string, ...string[]]
      const value = rest.reduceRight<unknown>((inner, key) => ({ [key]: inner }), 'ftp://nope')
      const result = SettingsSchema.safeParse({ [section]: value })
      expect(result.success).toBe(false)
      const fields = result.success ? [] : toFieldErrors(result.error.issues)
      expect(fields).toEqual([{ path, message: expect.stringContaining('http:// or https://') }])
    }
    expect(SettingsSchema.parse({ provider: { baseUrl: '' } }).provider.baseUrl).toBe('')
  })

  it('asks for the LiveKit transport for push-to-talk on the legacy kind only', () => {
    const pushToTalk = { avatar: { pushToTalk: true, transport: 'websocket' } }
    const legacy = SettingsSchema.safeParse({ provider: { kind: 'heygen' }, ...pushToTalk })
    expect(legacy.success ? [] : toFieldErrors(legacy.error.issues)).toEqual([
      { path: 'avatar.pushToTalk', message: 'Push-to-talk needs the LiveKit transport' },
    ])
    expect(SettingsSchema.safeParse({ provider: { kind: 'liveavatar' }, ...pushToTalk }).success).toBe(true)
  })

  it('refuses a stored version other than the current one', () => {
    expect(SettingsSchema.safeParse({ version: SETTINGS_VERSION + 1 }).success).toBe(false)
  })
})

describe('SettingsPatchSchema', () => {
  it('accepts a partial update without filling in defaults', () => {
    expect(SettingsPatchSchema.parse({ avatar: { quality: 'low' } })).toEqual({ avatar: { quality: 'low' } })
    expect(SettingsPatchSchema.parse({})).toEqual({})
  })

  it('rejects unknown keys with dotted paths at every depth', () => {
    expect(patchErrors({ avatar: { colour: 'red' } })).toEqual([
      { path: 'avatar.colour', message: 'Unknown setting' },
    ])
    expect(patchErrors({ bogus: 1 })).toEqual([{ path: 'bogus', message: 'Unknown setting' }])
    expect(patchErrors({ display: { chromaKey: { enabled: false, extra: 1 } } })).toEqual([
      { path: 'display.chromaKey.extra', message: 'Unknown setting' },
    ])
    expect(patchErrors({ avatar: { a: 1, b: 2 } }).map((field) => field.path)).toEqual([
      'avatar.a',
      'avatar.b',
    ])
  })

  it('does not let an update change the version', () => {
    expect(patchErrors({ version: 2 })).toEqual([{ path: 'version', message: 'Unknown setting' }])
  })

  it('reports invalid values with their paths', () => {
    expect(
      patchErrors({ avatar: { quality: 'ultra' }, display: { windowMode: 'floating' } }).map(
        (field) => field.path,
      ),
    ).toEqual(['avatar.quality', 'display.windowMode'])
    expect(patchErrors({ avatar: { language: 'English' } }).map((field) => field.path)).toEqual([
      'avatar.language',
    ])
    expect(patchErrors({ avatar: { id: 'x'.repeat(201) } }).map((field) => field.path)).toEqual(['avatar.id'])
    expect(
      patchErrors({ provider: { kind: 'legacy', liveavatar: { mode: 'custom' } } }).map(
        (field) => field.path,
      ),
    ).toEqual(['provider.kind', 'provider.liveavatar.mode'])
  })

  it('refuses non-objects at the root and in sections', () => {
    expect(patchErrors(null).map((field) => field.path)).toEqual(['(root)'])
    expect(patchErrors([]).map((field) => field.path)).toEqual(['(root)'])
    expect(patchErrors({ avatar: 'low' }).map((field) => field.path)).toEqual(['avatar'])
  })
})

describe('mergeSettingsPatch', () => {
  it('merges objects key by key and replaces scalars', () => {
    const base = defaultSettings()
    const merged = mergeSettingsPatch(base, {
      avatar: { quality: 'low' },
      display: { chromaKey: { enabled: false } },
    })
    expect(merged).toEqual({
      ...base,
      avatar: { ...base.avatar, quality: 'low' },
      display: { ...base.display, chromaKey: { ...base.display.chromaKey, enabled: false } },
    })
    expect(base.avatar.quality).toBe('high')
  })

  it('keeps the base when the patch value is undefined and replaces arrays', () => {
    expect(mergeSettingsPatch({ a: 1 }, undefined)).toEqual({ a: 1 })
    expect(mergeSettingsPatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] })
  })
})

describe('patching the background (a discriminated union)', () => {
  it('must name its type, refuses unknown keys, and keeps a stored fallback colour', () => {
    const stored = SettingsSchema.parse({
      display: { background: { type: 'color', value: '#112233', fallbackColor: '#abcdef' } },
    })
    const typo = SettingsPatchSchema.safeParse({
      display: { background: { type: 'color', value: '#112233', colour: 'x' } },
    })
    expect(typo.success).toBe(false)
    expect(toFieldErrors(typo.error?.issues ?? [])).toContainEqual({
      path: 'display.background.colour',
      message: 'Unknown setting',
    })
    expect(SettingsPatchSchema.safeParse({ display: { background: { value: 'lobby.jpg' } } }).success).toBe(
      false,
    )

    const patch = SettingsPatchSchema.parse({
      display: { background: { type: 'image', value: 'lobby-warm.jpg' } },
    })
    expect(patch).toEqual({ display: { background: { type: 'image', value: 'lobby-warm.jpg' } } })
    const merged = SettingsSchema.parse(mergeSettingsPatch(stored, patch))
    expect(merged.display.background).toEqual({
      type: 'image',
      value: 'lobby-warm.jpg',
      fallbackColor: '#abcdef',
    })
  })
})
