import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AdminPinStore } from '../../../src/main/services/admin-pin-store'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

describe('AdminPinStore', () => {
  it('reports a missing file, and round-trips a hash with its lockout in a mode 0600 file', async () => {
    const dir = await tempDir()
    const path = join(dir, 'admin-pin.json')
    const store = new AdminPinStore(path)
    expect(await store.load()).toBe('missing')
    expect(store.state).toBe('none')
    await store.setHash('scrypt$salt$hash')
    await store.setLockout(3, 1234)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const again = new AdminPinStore(path)
    expect(await again.load()).toBe('loaded')
    expect([again.state, again.hash, again.failedAttempts, again.blockedUntil]).toEqual([
      'set',
      'scrypt$salt$hash',
      3,
      1234,
    ])
  })

  it.each([
    ['not JSON', '{"version":1,"st'],
    ['an empty file', ''],
    [
      'a PIN set without its hash',
      JSON.stringify({ version: 1, state: 'set', failedAttempts: 0, blockedUntil: 0 }),
    ],
    ['an unknown state', JSON.stringify({ version: 1, state: 'open', failedAttempts: 0, blockedUntil: 0 })],
    ['a negative count', JSON.stringify({ version: 1, state: 'none', failedAttempts: -1, blockedUntil: 0 })],
  ])(
    'treats a damaged file (%s) as a PIN that must be recovered, never as no PIN',
    async (_label, content) => {
      const dir = await tempDir()
      const path = join(dir, 'admin-pin.json')
      await writeFile(path, content)
      const store = new AdminPinStore(path)
      expect(await store.load()).toBe('damaged')
      expect(store.state).toBe('recovery-needed')
      expect(store.hash).toBeUndefined()
      expect(await readFile(path, 'utf8')).toBe(content)
    },
  )

  it('writes the recovery state down so that a restart stays locked', async () => {
    const dir = await tempDir()
    const path = join(dir, 'admin-pin.json')
    const store = new AdminPinStore(path)
    await store.setHash('scrypt$salt$hash')
    await store.requireRecovery()
    const again = new AdminPinStore(path)
    expect(await again.load()).toBe('loaded')
    expect(again.state).toBe('recovery-needed')
    expect(again.hash).toBeUndefined()
  })
})
