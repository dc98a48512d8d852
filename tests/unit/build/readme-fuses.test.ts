import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'

const repoRoot = resolve(import.meta.dirname, '../../..')
const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8')
const config = yaml.load(readFileSync(resolve(repoRoot, 'electron-builder.yml'), 'utf8')) as {
  electronFuses: Record<string, boolean>
}

/** The README's paragraph on the Electron fuses, up to the next top-level bullet. */
function fusesParagraph(): string {
  const start = readme.indexOf('- Packaged builds flip the Electron fuses')
  expect(start).toBeGreaterThan(-1)
  const end = readme.indexOf('\n- ', start + 1)
  return readme.slice(start, end === -1 ? undefined : end).replace(/\s+/g, ' ')
}

describe('the README on the Electron fuses', () => {
  it('says asar integrity validation holds on macOS and Windows only, as long as the build asks for it', () => {
    expect(config.electronFuses.enableEmbeddedAsarIntegrityValidation).toBe(true)
    const paragraph = fusesParagraph()
    expect(paragraph).toContain('asar integrity validation: macOS and Windows only')
    expect(paragraph).toMatch(/Linux has no such check/)
  })

  it('names each fuse the build sets for every platform', () => {
    const paragraph = fusesParagraph()
    const phrases: Record<string, string> = {
      runAsNode: '`runAsNode` off',
      enableNodeOptionsEnvironmentVariable: '`NODE_OPTIONS` ignored',
      enableNodeCliInspectArguments: 'inspector flags refused',
      onlyLoadAppFromAsar: 'the app loaded only from `app.asar`',
      grantFileProtocolExtraPrivileges: 'no extra `file://` privileges',
      enableCookieEncryption: 'cookies encrypted',
    }
    for (const [fuse, phrase] of Object.entries(phrases)) {
      expect(config.electronFuses[fuse], fuse).toBe(
        fuse === 'enableCookieEncryption' || fuse === 'onlyLoadAppFromAsar',
      )
      expect(paragraph, fuse).toContain(phrase)
    }
  })
})
