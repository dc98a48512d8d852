import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { SettingsService } from '../../../src/main/services/settings'
import { BridgeError } from '../../../src/shared/result'
import { defaultSettings } from '../../../src/shared/settings/schema'
import { memoryLogger } from '../support/memory-log'
import { settingsDocument } from '../support/settings-store'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

async function backupsIn(dir: string, reason: string): Promise<string[]> {
  return (await readdir(dir)).filter(
    (name) => name.startsWith(`settings.${reason}-`) && name.endsWith('.json'),
  )
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
}

describe('SettingsService loading', () => {
  it('starts a fresh data dir on defaults, writes them, and has nothing to report', async () => {
    const dir = await tempDir()
    const log = memoryLogger()
    const service = new SettingsService(settingsDocument(dir), log)
    expect(service.get()).toEqual(defaultSettings())
    expect(service.notices).toEqual([])
    // A fresh install speaks LiveAvatar.
    expect(await readJson(join(dir, 'settings.json'))).toMatchObject({
      version: 2,
      provider: { kind: 'liveavatar', baseUrl: '' },
      avatar: { id: '', quality: 'high' },
    })
    expect(await readdir(dir)).toEqual(['settings.json'])
    expect(log.entries.filter((entry) => entry.level !== 'info')).toEqual([])
  })

  it('works the same through the web host adapter', async () => {
    const dir = await tempDir()
    const adapters = nodeHostAdapters(dir, () => {})
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, avatar: { quality: 'medium' } }))
    const service = new SettingsService(adapters.settingsDocument, memoryLogger())
    expect(service.get().avatar.quality).toBe('medium')
    expect(adapters.settingsDocument.path).toBe(join(dir, 'settings.json'))
  })

  it('keeps a corrupt file as a backup with its original bytes, starts on defaults, and names the backup', async () => {
    const dir = await tempDir()
    const original = '{"version":1,"avatar":{"quality":"low"  <<< truncated by a power cut'
    await writeFile(join(dir, 'settings.json'), original)
    const log = memoryLogger()
    const service = new SettingsService(settingsDocument(dir), log)

    expect(service.get()).toEqual(defaultSettings())
    const backups = await backupsIn(dir, 'corrupt')
    expect(backups).toHaveLength(1)
    const backupPath = join(dir, backups[0] ?? '')
    expect(await readFile(backupPath, 'utf8')).toBe(original)
    expect(service.notices).toHaveLength(1)
    expect(service.notices[0]?.level).toBe('error')
    expect(service.notices[0]?.message).toContain('default settings')
    expect(service.notices[0]?.message).toContain(backupPath)
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: 'error', context: { backup: backupPath } }),
    )
    // The live file now holds valid defaults, so the next start is clean.
    expect(await readJson(join(dir, 'settings.json'))).toMatchObject({
      version: 2,
      avatar: { quality: 'high' },
    })
    const next = new SettingsService(settingsDocument(dir), memoryLogger())
    expect(next.notices).toEqual([])
  })

  it('resets only the invalid fields of a JSON file, keeps the rest, and warns with a backup', async () => {
    const dir = await tempDir()
    const stored = {
      version: 1,
      provider: { baseUrl: 'https://provider.example' },
      avatar: { id: 'Anna_public', quality: 'ultra', language: 'de-DE' },
      display: {
        windowMode: 'fullscreen',
        background: { type: 'color', value: '#112233', fallbackColor: 'red' },
      },
      llm: { model: 42 },
    }
    const original = JSON.stringify(stored, null, 2)
    await writeFile(join(dir, 'settings.json'), original)
    const service = new SettingsService(settingsDocument(dir), memoryLogger())
    const settings = service.get()
    const defaults = defaultSettings()

    expect(settings.avatar.quality).toBe(defaults.avatar.quality)
    expect(settings.display.background.fallbackColor).toBe(defaults.display.background.fallbackColor)
    expect(settings.llm.model).toBe(defaults.llm.model)
    expect(settings.provider.baseUrl).toBe('https://provider.example')
    expect(settings.avatar.id).toBe('Anna_public')
    expect(settings.avatar.language).toBe('de-DE')
    expect(settings.display.windowMode).toBe('fullscreen')
    expect(settings.display.background.value).toBe('#112233')

    const backups = await backupsIn(dir, 'invalid')
    expect(backups).toHaveLength(1)
    const backupPath = join(dir, backups[0] ?? '')
    expect(await readFile(backupPath, 'utf8')).toBe(original)
    expect(service.notices).toHaveLength(1)
    const notice = service.notices[0]
    expect(notice?.level).toBe('warning')
    for (const path of ['avatar.quality', 'display.background.fallbackColor', 'llm.model', backupPath]) {
      expect(notice?.message).toContain(path)
    }
    expect(notice?.message).not.toContain('avatar.id')
    expect(await readJson(join(dir, 'settings.json'))).toEqual(settings)
  })

  it('loads what it understands from a newer version, keeps the original, and says so', async () => {
    const dir = await tempDir()
    const original = JSON.stringify({ version: 7, avatar: { quality: 'low' }, hologram: { enabled: true } })
    await writeFile(join(dir, 'settings.json'), original)
    const service = new SettingsService(settingsDocument(dir), memoryLogger())
    expect(service.get().avatar.quality).toBe('low')
    expect(service.get().version).toBe(2)
    expect(service.get()).not.toHaveProperty('hologram')
    const backups = await backupsIn(dir, 'newer')
    expect(backups).toHaveLength(1)
    const backupPath = join(dir, backups[0] ?? '')
    expect(await readFile(backupPath, 'utf8')).toBe(original)
    expect(service.notices).toEqual([
      { level: 'warning', message: expect.stringContaining('newer version (v7)') as string },
    ])
    expect(service.notices[0]?.message).toContain(backupPath)
  })

  it('migrates an unversioned file, keeps its values and stamps the version on disk', async () => {
    const dir = await tempDir()
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ avatar: { quality: 'medium', id: 'Old_avatar' } }),
    )
    const log = memoryLogger()
    const service = new SettingsService(settingsDocument(dir), log)
    expect(service.get().avatar).toMatchObject({ quality: 'medium', id: 'Old_avatar' })
    expect(service.get().provider.kind).toBe('heygen')
    expect(service.notices).toEqual([])
    expect(await readJson(join(dir, 'settings.json'))).toMatchObject({
      version: 2,
      provider: { kind: 'heygen' },
      avatar: { quality: 'medium', id: 'Old_avatar' },
    })
    expect(log.entries).toContainEqual(expect.objectContaining({ message: 'settings migrated' }))
  })

  it('moves a v1 kiosk to v2 on the legacy API, keeping its base URL and avatar', async () => {
    const dir = await tempDir()
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ version: 1, provider: { baseUrl: 'https://api.heygen.com' }, avatar: { id: 'Anna' } }),
    )
    const service = new SettingsService(settingsDocument(dir), memoryLogger())
    expect(service.get().provider).toMatchObject({ kind: 'heygen', baseUrl: 'https://api.heygen.com' })
    expect(service.get().avatar.id).toBe('Anna')
    expect(service.notices).toEqual([])
    expect(await readJson(join(dir, 'settings.json'))).toMatchObject({
      version: 2,
      provider: { kind: 'heygen' },
    })
  })

  it.each([1, 2])(
    'resets only the plain-http URLs of a v%i file that point off this computer, keeping everything else',
    async (version) => {
      const dir = await tempDir()
      const original = JSON.stringify({
        version,
        provider: { kind: 'heygen', baseUrl: 'http://konpro.example' },
        avatar: { id: 'Anna_public', quality: 'low' },
        llm: {
          baseUrl: 'http://192.168.1.20:11434/v1',
          model: 'llama3',
          transcriptionBaseUrl: 'http://127.0.0.1:9000/v1',
          speech: { baseUrl: 'http://tts.example/v1', voice: 'nova' },
        },
        display: { windowMode: 'windowed' },
      })
      await writeFile(join(dir, 'settings.json'), original)
      const log = memoryLogger()
      const service = new SettingsService(settingsDocument(dir), log)
      const settings = service.get()
      const defaults = defaultSettings()

      expect(settings.provider).toMatchObject({ kind: 'heygen', baseUrl: '' })
      expect(settings.llm.baseUrl).toBe(defaults.llm.baseUrl)
      expect(settings.llm.speech.baseUrl).toBe('')
      // What was valid survives: loopback http included.
      expect(settings.llm.transcriptionBaseUrl).toBe('http://127.0.0.1:9000/v1')
      expect(settings.llm.model).toBe('llama3')
      expect(settings.llm.speech.voice).toBe('nova')
      expect(settings.avatar).toMatchObject({ id: 'Anna_public', quality: 'low' })
      expect(settings.display.windowMode).toBe('windowed')

      const backups = await backupsIn(dir, 'invalid')
      expect(backups).toHaveLength(1)
      expect(await readFile(join(dir, backups[0] ?? ''), 'utf8')).toBe(original)
      expect(service.notices).toHaveLength(1)
      for (const path of ['provider.baseUrl', 'llm.baseUrl', 'llm.speech.baseUrl']) {
        expect(service.notices[0]?.message).toContain(path)
      }
      expect(service.notices[0]?.message).not.toContain('transcriptionBaseUrl')
      expect(log.entries).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          context: expect.objectContaining({
            fields: ['provider.baseUrl', 'llm.baseUrl', 'llm.speech.baseUrl'],
          }),
        }),
      )
      // The repaired file is what the next start reads, with nothing more to report.
      expect(await readJson(join(dir, 'settings.json'))).toEqual(settings)
      expect(new SettingsService(settingsDocument(dir), memoryLogger()).notices).toEqual([])
    },
  )

  it('leaves a current, valid file untouched', async () => {
    const dir = await tempDir()
    const original = JSON.stringify({
      ...defaultSettings(),
      avatar: { ...defaultSettings().avatar, quality: 'low' },
    })
    await writeFile(join(dir, 'settings.json'), original)
    const service = new SettingsService(settingsDocument(dir), memoryLogger())
    expect(service.get().avatar.quality).toBe('low')
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(original)
    expect(await readdir(dir)).toEqual(['settings.json'])
  })
})

describe('SettingsService.update', () => {
  it('merges a valid partial update, persists it and notifies listeners', async () => {
    const dir = await tempDir()
    const service = new SettingsService(settingsDocument(dir), memoryLogger())
    const listener = vi.fn()
    const stop = service.onChange(listener)
    const updated = service.update({ avatar: { quality: 'low' }, display: { chromaKey: { enabled: false } } })

    expect(updated.avatar).toEqual({ ...defaultSettings().avatar, quality: 'low' })
    expect(updated.display.chromaKey.enabled).toBe(false)
    expect(updated.display.windowMode).toBe('kiosk')
    expect(service.get()).toEqual(updated)
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith(updated)

    const reloaded = new SettingsService(settingsDocument(dir), memoryLogger())
    expect(reloaded.get()).toEqual(updated)
    expect(reloaded.notices).toEqual([])

    stop()
    service.update({ avatar: { quality: 'medium' } })
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('rejects invalid values with invalid-settings and field paths, changing nothing', async () => {
    const dir = await tempDir()
    const service = new SettingsService(settingsDocument(dir), memoryLogger())
    service.update({ avatar: { quality: 'medium' } })
    const listener = vi.fn()
    service.onChange(listener)
    const before = structuredClone(service.get())
    const diskBefore = await readFile(join(dir, 'settings.json'), 'utf8')

    const attempts: [unknown, string[]][] = [
      [{ avatar: { quality: 'low' }, display: { windowMode: 'floating' } }, ['display.windowMode']],
      [{ avatar: { quality: 'ultra', colour: 'red' } }, ['avatar.colour', 'avatar.quality']],
      [{ provider: { baseUrl: 'ftp://files.example' } }, ['provider.baseUrl']],
      [{ version: 3 }, ['version']],
      [null, ['(root)']],
    ]
    for (const [patch, paths] of attempts) {
      let caught: unknown
      try {
        service.update(patch)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(BridgeError)
      const error = caught as BridgeError
      expect(error.code).toBe('invalid-settings')
      expect(error.fields?.map((field) => field.path).sort()).toEqual(paths)
      for (const path of paths) expect(error.message).toContain(path)
    }

    expect(service.get()).toEqual(before)
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(diskBefore)
    expect(listener).not.toHaveBeenCalled()
  })
  it.each([
    ['ENOSPC', /not saved: the disk is full \(ENOSPC\)/],
    ['EACCES', /not saved: the data folder cannot be written \(permissions\) \(EACCES\)/],
  ])(
    'a write the disk refuses with %s answers a clear error and keeps the saved settings, in memory too',
    async (code, message) => {
      const dir = await tempDir()
      const document = settingsDocument(dir)
      const service = new SettingsService(document, memoryLogger())
      const before = structuredClone(service.get())
      const listener = vi.fn()
      service.onChange(listener)
      const refused = Object.assign(new Error(`${code}: refused`), { code })
      vi.spyOn(document, 'write').mockImplementationOnce(() => {
        throw refused
      })

      expect(() => service.update({ avatar: { quality: 'low' } })).toThrow(message)
      expect(service.get()).toEqual(before)
      expect(listener).not.toHaveBeenCalled()
      expect(service.update({ avatar: { quality: 'low' } }).avatar.quality).toBe('low')
    },
  )
})
