import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

describe('the settings document (conf)', () => {
  it('a failed write leaves no temporary file and does not stop the next write', async () => {
    const dir = await tempDir()
    const document = nodeHostAdapters(dir, () => {}).settingsDocument
    document.write({ a: 1 })
    // A folder where the file should be makes the rename fail, the way a full or read-only disk would.
    await rm(document.path)
    await mkdir(document.path)
    expect(() => document.write({ a: 2 })).toThrow()
    expect(await readdir(dir)).toEqual(['settings.json'])
    await rm(document.path, { recursive: true })
    document.write({ a: 3 })
    expect(JSON.parse(await readFile(document.path, 'utf8'))).toEqual({ a: 3 })
    expect(await readdir(dir)).toEqual(['settings.json'])
  })
})
