import { describe, expect, it, vi } from 'vitest'
import {
  SETTINGS_MIGRATIONS,
  migrateSettings,
  storedVersion,
  type SettingsMigration,
} from '../../../src/main/services/settings-migrations'
import { SETTINGS_VERSION, SettingsSchema } from '../../../src/shared/settings/schema'

/** v0 kept the avatar as a flat string; v1 nests it; v2 renames `hd` to a quality enum. */
const chain: SettingsMigration[] = [
  {
    from: 0,
    describe: 'nest avatar',
    migrate: ({ avatarId, ...rest }) => ({ ...rest, avatar: { id: avatarId } }),
  },
  {
    from: 1,
    describe: 'hd flag to quality',
    migrate: ({ hd, ...rest }) => ({ ...rest, quality: hd === true ? 'high' : 'low' }),
  },
  { from: 2, describe: 'add locale', migrate: (data) => ({ ...data, language: 'en' }) },
]

describe('migrateSettings with a synthetic chain', () => {
  it('applies every step in order from v0 and reports each', () => {
    const input = { avatarId: 'Anna', hd: true }
    const snapshot = structuredClone(input)
    const outcome = migrateSettings(input, chain, 3)
    expect(outcome).toEqual({
      kind: 'migrated',
      data: { version: 3, avatar: { id: 'Anna' }, quality: 'high', language: 'en' },
      applied: ['v0→v1: nest avatar', 'v1→v2: hd flag to quality', 'v2→v3: add locale'],
    })
    expect(input).toEqual(snapshot)
  })

  it('starts from the stored version, not from zero', () => {
    const first = vi.fn((data: Record<string, unknown>) => data)
    const steps: SettingsMigration[] = [{ ...chain[0]!, migrate: first }, chain[1]!, chain[2]!]
    const outcome = migrateSettings({ version: 1, avatar: { id: 'x' }, hd: false }, steps, 3)
    expect(first).not.toHaveBeenCalled()
    expect(outcome).toMatchObject({ kind: 'migrated', data: { version: 3, quality: 'low', language: 'en' } })
    expect(outcome.kind === 'migrated' && outcome.applied).toEqual([
      'v1→v2: hd flag to quality',
      'v2→v3: add locale',
    ])
  })

  it('sets the version itself even when a step forgets to', () => {
    const outcome = migrateSettings(
      { version: 2 },
      [{ from: 2, describe: 'noop', migrate: () => ({ a: 1 }) }],
      3,
    )
    expect(outcome).toEqual({ kind: 'migrated', data: { a: 1, version: 3 }, applied: ['v2→v3: noop'] })
  })

  it('throws when a step is missing', () => {
    const gappy = [chain[0]!, chain[2]!]
    expect(() => migrateSettings({ avatarId: 'x' }, gappy, 3)).toThrow('No settings migration from version 1')
  })

  it('reports a newer stored version without touching the data', () => {
    const data = { version: 9, future: true }
    const outcome = migrateSettings(data, chain, 3)
    expect(outcome).toEqual({ kind: 'newer', data, version: 9 })
    expect(outcome.data).toBe(data)
  })

  it('returns current data as it is, without running any step', () => {
    const spies = chain.map((step) => ({ ...step, migrate: vi.fn(step.migrate) }))
    const data = { version: 3, avatar: { id: 'x' } }
    const outcome = migrateSettings(data, spies, 3)
    expect(outcome.kind).toBe('current')
    expect(outcome.data).toBe(data)
    expect(data).toEqual({ version: 3, avatar: { id: 'x' } })
    for (const step of spies) expect(step.migrate).not.toHaveBeenCalled()
  })
})

describe('storedVersion', () => {
  it.each([
    [{ version: 2 }, 2],
    [{}, 0],
    [{ version: '2' }, 0],
    [{ version: 1.5 }, 0],
    [{ version: -1 }, 0],
    [{ version: null }, 0],
  ])('reads %j as v%i', (data, version) => {
    expect(storedVersion(data)).toBe(version)
  })
})

describe('SETTINGS_MIGRATIONS', () => {
  it('has one step per version up to the current one', () => {
    expect(SETTINGS_MIGRATIONS.map((step) => step.from)).toEqual(
      Array.from({ length: SETTINGS_VERSION }, (_, index) => index),
    )
  })

  it('upgrades an unversioned file to a valid current one, keeping its values', () => {
    const unversioned = { avatar: { id: 'Legacy', quality: 'low' }, display: { windowMode: 'windowed' } }
    const outcome = migrateSettings(unversioned)
    expect(outcome.kind).toBe('migrated')
    expect(outcome.data).toEqual({
      ...unversioned,
      provider: { kind: 'heygen' },
      version: SETTINGS_VERSION,
    })
    const parsed = SettingsSchema.parse(outcome.data)
    expect(parsed.avatar).toMatchObject({ id: 'Legacy', quality: 'low' })
    expect(parsed.display.windowMode).toBe('windowed')
  })

  it('keeps a v1 kiosk on the legacy API it was set up for, with its URL and its (default) avatar', () => {
    const v1 = { version: 1, provider: { baseUrl: 'https://api.konpro.ai' }, avatar: { quality: 'medium' } }
    const outcome = migrateSettings(v1)
    expect(outcome.kind === 'migrated' && outcome.applied).toEqual([expect.stringMatching(/^v1→v2: /)])
    const parsed = SettingsSchema.parse(outcome.data)
    expect(parsed.provider).toMatchObject({ kind: 'heygen', baseUrl: 'https://api.konpro.ai' })
    // v1's default avatar was Wayne; it stays explicit rather than following the kind's default.
    expect(parsed.avatar).toMatchObject({ id: 'Wayne_20240711', quality: 'medium' })
  })

  it('treats a file at the current version as current', () => {
    expect(migrateSettings({ version: SETTINGS_VERSION }).kind).toBe('current')
  })
})
