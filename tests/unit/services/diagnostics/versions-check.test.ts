import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkVersions, readAppVersion } from '../../../../src/main/services/diagnostics/versions-check'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

describe('versions', () => {
  it('reads the app version from the nearest package.json above the module', () => {
    const { version } = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }
    expect(readAppVersion(resolve('src/main/services/diagnostics'))).toBe(version)
  })

  it('says "unknown" for a package.json without a version, rather than failing the page', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'package.json'), '{"name":"x"}')
    expect(readAppVersion(dir)).toBe('unknown')
  })

  it('names Electron and Chromium in the shell, and says when there is no Electron', () => {
    expect(checkVersions({ app: '1.2.3', electron: '45.1.0', chromium: '142.0.1', node: '24.1.0' })).toEqual({
      id: 'versions',
      label: 'Versions',
      status: 'pass',
      detail: 'App 1.2.3 · Electron 45.1.0 · Chromium 142.0.1 · Node 24.1.0',
      fix: '',
    })
    expect(checkVersions({ app: '1.2.3', node: '20.1.0' }).detail).toBe(
      'App 1.2.3 · web host (no Electron) · Node 20.1.0',
    )
  })
})
