import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

describe('createAppServices', () => {
  it('recovers from a damaged secrets file with an error notice and a backup of the original', async () => {
    const dir = await tempDir()
    const damaged = '{"version":1,"entries":{"providerApiKey": <<<garbage'
    await writeFile(join(dir, 'secrets.json'), damaged)
    const { sink, lines } = memorySink()
    const services = await createAppServices(nodeHostAdapters(dir, sink))

    const backups = (await readdir(dir)).filter((name) => name.startsWith('secrets.damaged-'))
    expect(backups).toHaveLength(1)
    const backupPath = join(dir, backups[0] ?? '')
    expect(await readFile(backupPath, 'utf8')).toBe(damaged)
    expect(JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8'))).toEqual({ version: 1, entries: {} })
    expect(services.secrets.has('providerApiKey')).toBe(false)
    expect(services.notices).toHaveLength(2)
    expect(services.notices[0]?.level).toBe('error')
    expect(services.notices[0]?.message).toContain('damaged')
    expect(services.notices[0]?.message).toContain(backupPath)
    // No PIN file yet (a kiosk from before it existed): the PIN may have been in the lost file, so the admin
    // panel stays locked until an operator recovers it, instead of opening for anyone.
    expect(services.notices[1]).toMatchObject({ level: 'error' })
    expect(services.notices[1]?.message).toContain('admin panel stays locked')
    expect(services.admin.isLocked()).toBe(true)
    expect(lines.some((line) => line.level === 'error' && line.line.includes('secrets file damaged'))).toBe(
      true,
    )

    const view = await services.dispatch('getSettings', undefined, { clientId: 'test' })
    expect(view).toMatchObject({ ok: true, value: { notices: services.notices } })
    await services.close()
  })

  it('collects settings notices too and starts cleanly on a fresh dir', async () => {
    const dir = await tempDir()
    const fresh = await createAppServices(nodeHostAdapters(dir, () => {}))
    expect(fresh.notices).toEqual([])
    await fresh.close()

    await writeFile(join(dir, 'settings.json'), 'garbage')
    const again = await createAppServices(nodeHostAdapters(dir, () => {}))
    expect(again.notices.map((notice) => notice.level)).toEqual(['error'])
    expect(again.notices[0]?.message).toContain('default settings')
    await again.close()
  })

  it('answers getSettings with key presence only, never key values', async () => {
    const dir = await tempDir()
    const services = await createAppServices(nodeHostAdapters(dir, () => {}))
    const key = 'hg-never-in-a-response-123456'
    const set = await services.dispatch(
      'setSecret',
      { name: 'providerApiKey', value: key },
      { clientId: 'test' },
    )
    expect(set).toMatchObject({
      ok: true,
      value: {
        secrets: { providerApiKey: true, llmApiKey: false, adminPin: false },
        provider: { kind: 'configured' },
        secretProtection: { kind: 'file-permissions-only' },
      },
    })
    const view = await services.dispatch('getSettings', undefined, { clientId: 'test' })
    expect(JSON.stringify([set, view])).not.toContain(key)
    expect(await services.secrets.get('providerApiKey')).toBe(key)
    await services.close()
  })
})
