import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import {
  DISK_FAIL_BELOW,
  DISK_WARN_BELOW,
  checkDisk,
  type StatFs,
} from '../../../../src/main/services/diagnostics/disk-check'

const MB = 1024 * 1024
const freeBytes =
  (bytes: number): StatFs =>
  async () => ({ bavail: bytes / 4096, bsize: 4096 })

describe('checkDisk', () => {
  it.each([
    [5000 * MB, 'pass'],
    [DISK_WARN_BELOW, 'pass'],
    [DISK_WARN_BELOW - 4096, 'warn'],
    [300 * MB, 'warn'],
    [DISK_FAIL_BELOW, 'warn'],
    [DISK_FAIL_BELOW - 4096, 'fail'],
    [0, 'fail'],
  ])('%d bytes free is %s', async (bytes, status) => {
    const line = await checkDisk('/data', freeBytes(bytes))
    expect(line.status).toBe(status)
    expect(line.fix === '').toBe(status === 'pass')
  })

  it('asks about the data folder and reports the free space readably', async () => {
    const asked: string[] = []
    const line = await checkDisk('/kiosk/data', async (path) => {
      asked.push(path)
      return { bavail: 300n, bsize: 1024n * 1024n }
    })
    expect(asked).toEqual(['/kiosk/data'])
    expect(line.detail).toBe('300 MB free for the kiosk’s data')
  })

  it('warns, without throwing, when the free space cannot be read', async () => {
    const line = await checkDisk('/missing', async () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    })
    expect(line).toMatchObject({ id: 'disk', status: 'warn' })
    expect(line.fix).not.toBe('')
  })

  it('reads a real folder with fs.statfs', async () => {
    const line = await checkDisk(tmpdir())
    expect(line.detail).toMatch(/^\d+(\.\d)? (GB|MB) free/)
  })
})
