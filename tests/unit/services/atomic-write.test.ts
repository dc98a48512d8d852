import type * as FsPromises from 'node:fs/promises'
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { useTempDirs } from '../support/temp-dir'

/** Records the order of the calls that make a write durable: data synced, then renamed. */
const calls = vi.hoisted(() => [] as string[])

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>()
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args)
      const sync = handle.sync.bind(handle)
      handle.sync = async () => {
        calls.push(`sync ${String(args[0])}`)
        return sync()
      }
      return handle
    },
    rename: async (from: string, to: string) => {
      calls.push(`rename ${to}`)
      return actual.rename(from, to)
    },
  }
})

const { writeFileAtomic } = await import('../../../src/main/services/atomic-write')
const tempDir = useTempDirs()

describe('writeFileAtomic', () => {
  it('syncs the data before the rename, then the folder, and writes the requested mode', async () => {
    const dir = await tempDir()
    const path = join(dir, 'nested', 'file.json')
    calls.length = 0
    await writeFileAtomic(path, '{"a":1}', { mode: 0o600 })
    expect(await readFile(path, 'utf8')).toBe('{"a":1}')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(calls).toHaveLength(3)
    expect(calls[0]).toMatch(/^sync .*file\.json\.\d+\.[0-9a-f]+\.tmp$/)
    expect(calls[1]).toBe(`rename ${path}`)
    expect(calls[2]).toBe(`sync ${join(dir, 'nested')}`)
  })

  it('replaces an existing file whole', async () => {
    const dir = await tempDir()
    const path = join(dir, 'file.json')
    await writeFile(path, 'old content that is longer')
    await writeFileAtomic(path, 'new')
    expect(await readFile(path, 'utf8')).toBe('new')
    expect(await readdir(dir)).toEqual(['file.json'])
  })

  it('removes its temporary file when the write fails', async () => {
    const dir = await tempDir()
    const path = join(dir, 'file.json')
    await mkdir(path)
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow()
    expect(await readdir(dir)).toEqual(['file.json'])
  })
})
