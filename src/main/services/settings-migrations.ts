import { isPlainObject } from '../../shared/is-plain-object'
import { SETTINGS_VERSION } from '../../shared/settings/schema'

export type SettingsData = Record<string, unknown>

export interface SettingsMigration {
  /** The version this step upgrades from; it produces `from + 1`. */
  readonly from: number
  readonly describe: string
  migrate(data: SettingsData): SettingsData
}

/**
 * Upgrades steps in order. Each step must be pure: a crash halfway leaves the stored file untouched because
 * the service only writes the fully migrated and validated result.
 */
export const SETTINGS_MIGRATIONS: readonly SettingsMigration[] = [
  {
    from: 0,
    describe: 'stamp the settings version (files written before versioning carried none)',
    migrate: (data) => ({ ...data, version: 1 }),
  },
  {
    from: 1,
    describe:
      'provider kinds: a kiosk set up before LiveAvatar runs the legacy HeyGen API, with its avatar kept',
    migrate: (data) => {
      const provider = isPlainObject(data.provider) ? data.provider : {}
      const avatar = isPlainObject(data.avatar) ? data.avatar : {}
      return {
        ...data,
        provider: { ...provider, kind: 'heygen' },
        // Version 1 defaulted an unset avatar to Wayne; version 2 leaves the default to the provider kind.
        avatar: { ...avatar, id: typeof avatar.id === 'string' ? avatar.id : 'Wayne_20240711' },
      }
    },
  },
]

export type MigrationOutcome =
  | { kind: 'current'; data: SettingsData }
  | { kind: 'migrated'; data: SettingsData; applied: string[] }
  | { kind: 'newer'; data: SettingsData; version: number }

export function storedVersion(data: SettingsData): number {
  const version = data.version
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : 0
}

export function migrateSettings(
  data: SettingsData,
  migrations: readonly SettingsMigration[] = SETTINGS_MIGRATIONS,
  targetVersion: number = SETTINGS_VERSION,
): MigrationOutcome {
  let version = storedVersion(data)
  if (version > targetVersion) return { kind: 'newer', data, version }
  if (version === targetVersion) return { kind: 'current', data }
  const applied: string[] = []
  let current = data
  while (version < targetVersion) {
    const step = migrations.find((migration) => migration.from === version)
    if (!step) throw new Error(`No settings migration from version ${version}`)
    current = { ...step.migrate(current), version: version + 1 }
    applied.push(`v${version}→v${version + 1}: ${step.describe}`)
    version += 1
  }
  return { kind: 'migrated', data: current, applied }
}
