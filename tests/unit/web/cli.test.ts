import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const originalArgv = process.argv

afterEach(() => {
  process.argv = originalArgv
  vi.restoreAllMocks()
})

describe('web host command line: failures print no credentials', () => {
  it('redacts a key-shaped value quoted by a start failure', async () => {
    const root = await tempDir()
    // A file where the data folder's parent should be: creating the folder fails, and the error quotes its path.
    await writeFile(join(root, 'blocked'), '')
    const secretLooking = 'sk-abcdefghijklmnopqrstuvwx0123'
    process.argv = [
      process.execPath,
      'cli',
      '--port',
      '0',
      '--data-dir',
      join(root, 'blocked', secretLooking),
    ]
    const stderr: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk))
      return true
    })
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    // The command line runs on import.
    await import('../../../src/main/web/cli')
    await vi.waitFor(() => expect(exit).toHaveBeenCalled(), { timeout: 20_000 })
    expect(exit).toHaveBeenCalledWith(1)
    const printed = stderr.join('')
    expect(printed).toContain('The web host could not start: ')
    expect(printed).toContain('[redacted]')
    expect(printed).not.toContain(secretLooking)
  }, 30_000)
})
