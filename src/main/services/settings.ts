import type { Notice } from '../../shared/contract'
import { isPlainObject } from '../../shared/is-plain-object'
import { BridgeError, toFieldErrors } from '../../shared/result'
import {
  SETTINGS_VERSION,
  SettingsPatchSchema,
  SettingsSchema,
  defaultSettings,
  mergeSettingsPatch,
  type Settings,
} from '../../shared/settings/schema'
import { backupFile, UnreadableDocumentError, type JsonDocument } from './json-document'
import type { Logger } from './logger'
import { migrateSettings, type SettingsData } from './settings-migrations'

/** Why a settings file write failed, in the operator's words, by errno. */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'the data folder cannot be written (permissions)',
  EPERM: 'the data folder cannot be written (permissions)',
  EROFS: 'the data folder is read-only',
}

function writeOrExplain(document: JsonDocument, data: Settings): void {
  try {
    document.write(data)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code
    const why = (code && WRITE_FAILURES[code]) ?? 'the settings file could not be written'
    throw new BridgeError({
      code: 'internal',
      message: `The settings were not saved: ${why}${code ? ` (${code})` : ''}. Nothing was changed.`,
    })
  }
}

function deleteAtPath(data: SettingsData, path: readonly PropertyKey[]): void {
  let node: unknown = data
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node)) return
    node = node[String(key)]
  }
  const last = path.at(-1)
  if (isPlainObject(node) && last !== undefined) delete node[String(last)]
}

/**
 * Keeps every valid stored value and lets only the invalid ones fall back to their defaults, so one bad field
 * never costs the operator the rest of their configuration.
 */
function salvage(data: SettingsData): { settings: Settings; dropped: string[] } {
  const working = structuredClone(data)
  working.version = SETTINGS_VERSION
  const dropped: string[] = []
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const parsed = SettingsSchema.safeParse(working)
    if (parsed.success) return { settings: parsed.data, dropped }
    for (const issue of parsed.error.issues) {
      dropped.push(toFieldErrors([issue])[0]?.path ?? '(root)')
      deleteAtPath(working, issue.path)
    }
  }
  return { settings: defaultSettings(), dropped: ['(everything)'] }
}

export interface LoadedSettings {
  settings: Settings
  notices: Notice[]
}

export function loadSettings(document: JsonDocument, log: Logger): LoadedSettings {
  const notices: Notice[] = []
  const keepCopy = (reason: string) => backupFile(document.path, reason)

  let raw: unknown
  try {
    raw = document.read()
  } catch (error) {
    if (!(error instanceof UnreadableDocumentError)) throw error
    raw = undefined
  }
  if (!isPlainObject(raw)) {
    const copy = keepCopy('corrupt')
    const settings = defaultSettings()
    document.write(settings)
    notices.push({
      level: 'error',
      message: `The settings file could not be read, so the kiosk started on default settings. The old file was kept at ${copy}.`,
    })
    log.error('settings file unreadable; started on defaults', { backup: copy })
    return { settings, notices }
  }

  if (Object.keys(raw).length === 0) {
    const settings = defaultSettings()
    document.write(settings)
    return { settings, notices }
  }

  const migration = migrateSettings(raw)
  if (migration.kind === 'migrated') log.info('settings migrated', { steps: migration.applied })
  if (migration.kind === 'newer') {
    const copy = keepCopy('newer')
    notices.push({
      level: 'warning',
      message: `The settings were written by a newer version (v${migration.version}). Loaded what this version understands; the original was kept at ${copy}.`,
    })
  }

  const parsed = SettingsSchema.safeParse({ ...migration.data, version: SETTINGS_VERSION })
  if (parsed.success) {
    if (migration.kind !== 'current') document.write(parsed.data)
    return { settings: parsed.data, notices }
  }

  const copy = keepCopy('invalid')
  const { settings, dropped } = salvage(migration.data)
  document.write(settings)
  notices.push({
    level: 'warning',
    message: `Some stored settings were invalid and were reset to defaults: ${dropped.join(', ')}. The old file was kept at ${copy}.`,
  })
  log.warn('invalid settings reset to defaults', { fields: dropped, backup: copy })
  return { settings, notices }
}

export class SettingsService {
  private current: Settings
  private readonly listeners = new Set<(settings: Settings) => void>()
  readonly notices: readonly Notice[]

  constructor(
    private readonly document: JsonDocument,
    private readonly log: Logger,
  ) {
    const loaded = loadSettings(document, log)
    this.current = loaded.settings
    this.notices = loaded.notices
  }

  get(): Settings {
    return this.current
  }

  /** Applies a partial update atomically: either the whole merged result is valid and saved, or nothing changes. */
  update(patch: unknown): Settings {
    const shape = SettingsPatchSchema.safeParse(patch)
    if (!shape.success) throw invalidSettings(shape.error.issues)
    const merged = SettingsSchema.safeParse(mergeSettingsPatch(this.current, shape.data))
    if (!merged.success) throw invalidSettings(merged.error.issues)
    // Disk first: a refused write (full disk, read-only folder) must leave the kiosk on what is saved.
    writeOrExplain(this.document, merged.data)
    this.current = merged.data
    this.log.info('settings updated', { sections: Object.keys(shape.data as object) })
    for (const listener of this.listeners) listener(merged.data)
    return merged.data
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

function invalidSettings(issues: Parameters<typeof toFieldErrors>[0]): BridgeError {
  const fields = toFieldErrors(issues)
  return new BridgeError({
    code: 'invalid-settings',
    message: `Some settings are not valid: ${fields.map((field) => field.path).join(', ')}`,
    fields,
  })
}
