import { existsSync } from 'node:fs'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { BACKUPS_KEPT_PER_KIND, backupPath, pruneBackups } from '../../../src/main/services/backup-pruning'
import { backupFile } from '../../../src/main/services/json-document'
import { SettingsService } from '../../../src/main/services/settings'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { memoryLogger } from '../support/memory-log'
import { settingsDocument } from '../support/settings-store'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

afterEach(() => {
  vi.useRealTimers()
})

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 13, minute, 0, 0))

describe('backup pruning', () => {
  it(`keeps only the newest ${BACKUPS_KEPT_PER_KIND} copies of a file per reason`, async () => {
    const dir = await tempDir()
    const settings = join(dir, 'settings.json')
    const made: string[] = []
    for (let minute = 0; minute < 6; minute += 1) {
      await writeFile(settings, `{"generation":${minute}}`)
      made.push(backupFile(settings, 'corrupt', at(minute)) ?? '')
    }
    const kept = made.slice(-BACKUPS_KEPT_PER_KIND)
    expect((await readdir(dir)).sort()).toEqual(
      ['settings.json', ...kept.map((path) => path.slice(dir.length + 1))].sort(),
    )
    // The newest copies are the ones kept, each with the bytes it was made from.
    expect(await readFile(kept.at(-1) ?? '', 'utf8')).toBe('{"generation":5}')
    expect(await readFile(kept[0] ?? '', 'utf8')).toBe('{"generation":3}')
  })

  it('counts each file and reason apart, and leaves other files alone', async () => {
    const dir = await tempDir()
    const settings = join(dir, 'settings.json')
    const secrets = join(dir, 'secrets.json')
    await writeFile(settings, '{}')
    await writeFile(secrets, '{}')
    const unrelated = [
      'settings.corrupt-notes.json',
      'settings.json.bak',
      'my-settings.corrupt-2026-01-01T00-00-00-000Z.json',
    ]
    for (const name of unrelated) await writeFile(join(dir, name), 'keep me')
    for (let minute = 0; minute < 5; minute += 1) {
      backupFile(settings, 'corrupt', at(minute))
      backupFile(settings, 'invalid', at(minute))
      backupFile(secrets, 'damaged', at(minute))
    }
    const names = await readdir(dir)
    for (const prefix of ['settings.corrupt-2026', 'settings.invalid-', 'secrets.damaged-']) {
      expect(names.filter((name) => name.startsWith(prefix))).toHaveLength(BACKUPS_KEPT_PER_KIND)
    }
    for (const name of unrelated) expect(await readFile(join(dir, name), 'utf8')).toBe('keep me')
  })

  it('prunes copies left by an older version too, and says what it removed', async () => {
    const dir = await tempDir()
    const settings = join(dir, 'settings.json')
    const old = [0, 1, 2, 3, 4].map((minute) => backupPath(settings, 'invalid', at(minute)))
    for (const path of old) await writeFile(path, 'old')
    expect(pruneBackups(settings, 'invalid', 2)).toEqual(old.slice(0, 3))
    expect(old.map((path) => existsSync(path))).toEqual([false, false, false, true, true])
    expect(pruneBackups(join(dir, 'missing-folder', 'settings.json'), 'invalid')).toEqual([])
  })

  it('keeps a few copies of damaged settings, however often the file is damaged', async () => {
    const dir = await tempDir()
    vi.useFakeTimers({ toFake: ['Date'] })
    for (let minute = 0; minute < 6; minute += 1) {
      vi.setSystemTime(at(minute))
      await writeFile(join(dir, 'settings.json'), '{"version": 2, "avatar": {') // torn by a power cut
      new SettingsService(settingsDocument(dir), memoryLogger())
    }
    const copies = (await readdir(dir)).filter((name) => name.startsWith('settings.corrupt-'))
    expect(copies.sort()).toEqual(
      [3, 4, 5].map((minute) =>
        backupPath(join(dir, 'settings.json'), 'corrupt', at(minute)).slice(dir.length + 1),
      ),
    )
  })

  it("keeps a few copies of the web host's damaged secrets file, which holds keys in plain text", async () => {
    const dir = await tempDir()
    vi.useFakeTimers({ toFake: ['Date'] })
    for (let minute = 0; minute < 5; minute += 1) {
      vi.setSystemTime(at(minute))
      await writeFile(
        join(dir, 'secrets.json'),
        `{"version":1,"entries":{"providerApiKey":"plain-key-${minute}"`,
      )
      const services = await createAppServices(nodeHostAdapters(dir, () => {}))
      await services.close()
    }
    const copies = (await readdir(dir)).filter((name) => name.startsWith('secrets.damaged-')).sort()
    expect(copies).toHaveLength(BACKUPS_KEPT_PER_KIND)
    expect(await readFile(join(dir, copies[0] ?? ''), 'utf8')).toContain('plain-key-2')
  })
})
