import { mkdir, readFile, readdir, rmdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  SecretStore,
  SecretStoreError,
  filePermissionsOnlyCipher,
  type SecretCipher,
} from '../../../src/main/services/secrets'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

describe('filePermissionsOnlyCipher (web host)', () => {
  it('reports honestly that only file permissions protect the keys', async () => {
    const protection = await filePermissionsOnlyCipher.protection()
    expect(protection.kind).toBe('file-permissions-only')
    expect(protection.description).toContain('0600')
    expect(protection.description).toMatch(/unencrypted/i)
  })

  it('round-trips values', async () => {
    const encrypted = await filePermissionsOnlyCipher.encrypt('päss-wörd')
    expect(await filePermissionsOnlyCipher.decrypt(encrypted)).toEqual({
      plainText: 'päss-wörd',
      reEncrypt: false,
    })
  })
})

describe('SecretStore', () => {
  it('starts empty when there is no file and writes nothing until a key is set', async () => {
    const dir = await tempDir()
    const store = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
    await store.load()
    expect(store.has('providerApiKey')).toBe(false)
    expect(await store.get('providerApiKey')).toBeUndefined()
    expect(await readdir(dir)).toEqual([])
  })

  it('creates missing directories and a mode 0600 file, leaving no temp file behind', async () => {
    const dir = await tempDir()
    const path = join(dir, 'nested', 'deeper', 'secrets.json')
    const store = new SecretStore(path, filePermissionsOnlyCipher)
    await store.set('providerApiKey', 'web-host-key-123456')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['secrets.json'])
    const reloaded = new SecretStore(path, filePermissionsOnlyCipher)
    await reloaded.load()
    expect(await reloaded.get('providerApiKey')).toBe('web-host-key-123456')
    expect((await reloaded.protection()).kind).toBe('file-permissions-only')
  })

  it('serialises quick successive writes so none is lost', async () => {
    const dir = await tempDir()
    const path = join(dir, 'secrets.json')
    const store = new SecretStore(path, filePermissionsOnlyCipher)
    await Promise.all([
      store.set('providerApiKey', 'provider-111111'),
      store.set('llmApiKey', 'llm-222222'),
      store.set('adminPinHash', 'scrypt$a$b'),
    ])
    const reloaded = new SecretStore(path, filePermissionsOnlyCipher)
    await reloaded.load()
    expect(await reloaded.get('providerApiKey')).toBe('provider-111111')
    expect(await reloaded.get('llmApiKey')).toBe('llm-222222')
    expect(await reloaded.get('adminPinHash')).toBe('scrypt$a$b')
  })

  it('reset() forgets every key in memory and on disk', async () => {
    const dir = await tempDir()
    const path = join(dir, 'secrets.json')
    const store = new SecretStore(path, filePermissionsOnlyCipher)
    await store.set('providerApiKey', 'provider-111111')
    await store.reset()
    expect(store.has('providerApiKey')).toBe(false)
    expect(store.knownValues()).toEqual([])
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, entries: {} })
  })

  it.each([
    ['not JSON', 'this is not json'],
    ['a JSON array', '[]'],
    ['an unknown version', JSON.stringify({ version: 2, entries: {} })],
    ['entries of the wrong type', JSON.stringify({ version: 1, entries: { providerApiKey: 5 } })],
    ['an empty file', ''],
  ])('refuses a damaged file (%s) with SecretStoreError', async (_label, content) => {
    const dir = await tempDir()
    const path = join(dir, 'secrets.json')
    await writeFile(path, content)
    const store = new SecretStore(path, filePermissionsOnlyCipher)
    const failure = store.load()
    await expect(failure).rejects.toBeInstanceOf(SecretStoreError)
    await expect(failure).rejects.toThrow(`The secrets file ${path} is damaged; re-enter the keys.`)
    expect(await readFile(path, 'utf8')).toBe(content)
  })

  it('wraps a cipher failure in SecretStoreError and keeps the cause', async () => {
    const dir = await tempDir()
    const path = join(dir, 'secrets.json')
    await writeFile(path, JSON.stringify({ version: 1, entries: { llmApiKey: 'AAAA' } }))
    const cause = new Error('keychain locked')
    const broken: SecretCipher = {
      ...filePermissionsOnlyCipher,
      decrypt: async () => {
        throw cause
      },
    }
    const store = new SecretStore(path, broken)
    const error = await store.load().then(
      () => undefined,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(SecretStoreError)
    expect((error as Error).cause).toBe(cause)
  })

  it('a failed write rejects only its own caller: later writes still reach the disk, and no temp file is left', async () => {
    const dir = await tempDir()
    const path = join(dir, 'secrets.json')
    const store = new SecretStore(path, filePermissionsOnlyCipher)
    // A folder where the file should be makes the rename fail, the way a full or read-only disk would.
    await mkdir(path)
    await expect(store.set('providerApiKey', 'provider-111111')).rejects.toThrow()
    expect(await readdir(dir)).toEqual(['secrets.json'])
    await rmdir(path)
    await store.set('llmApiKey', 'llm-222222')
    const reloaded = new SecretStore(path, filePermissionsOnlyCipher)
    await reloaded.load()
    expect(await reloaded.get('llmApiKey')).toBe('llm-222222')
    expect(await reloaded.get('providerApiKey')).toBe('provider-111111')
    expect(await readdir(dir)).toEqual(['secrets.json'])
  })
})
