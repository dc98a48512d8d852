import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { safeStorageCipher } from '../../../src/main/electron/electron-host'
import { SecretStore, SecretStoreError } from '../../../src/main/services/secrets'
import { fakeSafeStorage } from '../support/fake-safe-storage'
import { useTempDirs } from '../support/temp-dir'

vi.mock('electron', async () => {
  const { fakeSafeStorage: fake } = await import('../support/fake-safe-storage')
  return {
    safeStorage: fake.safeStorage,
    app: { getPath: () => '/nonexistent', isPackaged: false },
  }
})
vi.mock('electron-log/main', () => ({
  default: { transports: { file: {}, console: {} }, info() {}, warn() {}, error() {}, debug() {} },
}))
vi.mock('electron-store', () => ({ default: class {} }))

const tempDir = useTempDirs()
const originalPlatform = process.platform

afterEach(() => {
  fakeSafeStorage.reset()
  Object.defineProperty(process, 'platform', { value: originalPlatform })
})

const PROVIDER_KEY = 'hg-provider-key-0123456789abcdef'
const LLM_KEY = 'sk-proj-llm-key-ZYXWVUTSRQPONMLK'
const PIN_HASH = 'scrypt$c2FsdA==$aGFzaA=='

function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  return [value, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]
}

async function storeIn(dir: string): Promise<SecretStore> {
  const store = new SecretStore(join(dir, 'secrets.json'), safeStorageCipher)
  await store.load()
  return store
}

describe('SecretStore with the safeStorage cipher', () => {
  it('writes no plaintext key in any common encoding, with mode 0600', async () => {
    const dir = await tempDir()
    const store = await storeIn(dir)
    await store.set('providerApiKey', PROVIDER_KEY)
    await store.set('llmApiKey', LLM_KEY)
    await store.set('adminPinHash', PIN_HASH)

    const raw = await readFile(join(dir, 'secrets.json'))
    const text = raw.toString('utf8')
    expect(JSON.parse(text)).toMatchObject({ version: 1, entries: expect.any(Object) as object })
    for (const secret of [PROVIDER_KEY, LLM_KEY, PIN_HASH]) {
      for (const encoded of encodings(secret)) expect(raw.includes(Buffer.from(encoded))).toBe(false)
      // Not even a recognisable fragment of the key.
      expect(text).not.toContain(secret.slice(0, 12))
    }
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600)
  })

  it('decrypts after a reload from disk and reports has() accordingly', async () => {
    const dir = await tempDir()
    const first = await storeIn(dir)
    expect(first.has('providerApiKey')).toBe(false)
    await first.set('providerApiKey', PROVIDER_KEY)
    await first.set('llmApiKey', LLM_KEY)
    expect(first.has('providerApiKey')).toBe(true)

    const second = await storeIn(dir)
    expect(second.has('providerApiKey')).toBe(true)
    expect(second.has('llmApiKey')).toBe(true)
    expect(second.has('adminPinHash')).toBe(false)
    expect(await second.get('providerApiKey')).toBe(PROVIDER_KEY)
    expect(await second.get('llmApiKey')).toBe(LLM_KEY)
    expect(second.knownValues().sort()).toEqual([LLM_KEY, PROVIDER_KEY].sort())

    await second.clear('llmApiKey')
    expect(second.has('llmApiKey')).toBe(false)
    const third = await storeIn(dir)
    expect(third.has('llmApiKey')).toBe(false)
    expect(await third.get('llmApiKey')).toBeUndefined()
    expect(await third.get('providerApiKey')).toBe(PROVIDER_KEY)
  })

  it('writes a value again with the current key when safeStorage asks to re-encrypt', async () => {
    const dir = await tempDir()
    await (await storeIn(dir)).set('providerApiKey', PROVIDER_KEY)
    const before = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as {
      entries: Record<string, string>
    }
    expect(Buffer.from(before.entries.providerApiKey ?? '', 'base64')[0]).toBe(0)

    fakeSafeStorage.rotateKey()
    const encrypt = vi.spyOn(fakeSafeStorage.safeStorage, 'encryptStringAsync')
    const reloaded = await storeIn(dir)
    expect(await reloaded.get('providerApiKey')).toBe(PROVIDER_KEY)
    expect(encrypt).toHaveBeenCalledWith(PROVIDER_KEY)

    const after = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as {
      entries: Record<string, string>
    }
    expect(after.entries.providerApiKey).not.toBe(before.entries.providerApiKey)
    expect(Buffer.from(after.entries.providerApiKey ?? '', 'base64')[0]).toBe(1)
    expect(await (await storeIn(dir)).get('providerApiKey')).toBe(PROVIDER_KEY)
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600)
  })

  it('does not rewrite when no re-encryption is asked for', async () => {
    const dir = await tempDir()
    await (await storeIn(dir)).set('providerApiKey', PROVIDER_KEY)
    const before = await readFile(join(dir, 'secrets.json'), 'utf8')
    const encrypt = vi.spyOn(fakeSafeStorage.safeStorage, 'encryptStringAsync')
    await storeIn(dir)
    expect(encrypt).not.toHaveBeenCalled()
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).toBe(before)
  })

  it('refuses to store a key when encryption is unavailable, and writes nothing', async () => {
    const dir = await tempDir()
    fakeSafeStorage.state.available = false
    const store = await storeIn(dir)
    const encrypt = vi.spyOn(fakeSafeStorage.safeStorage, 'encryptStringAsync')
    await expect(store.set('providerApiKey', PROVIDER_KEY)).rejects.toThrow(
      new SecretStoreError('Encryption is not available on this system, so the key was not stored.'),
    )
    await expect(store.set('providerApiKey', PROVIDER_KEY)).rejects.toBeInstanceOf(SecretStoreError)
    expect(encrypt).not.toHaveBeenCalled()
    expect(store.has('providerApiKey')).toBe(false)
    expect(store.knownValues()).toEqual([])
    await expect(stat(join(dir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('leaves an existing file alone when encryption becomes unavailable', async () => {
    const dir = await tempDir()
    const store = await storeIn(dir)
    await store.set('llmApiKey', LLM_KEY)
    const before = await readFile(join(dir, 'secrets.json'), 'utf8')
    fakeSafeStorage.state.available = false
    await expect(store.set('providerApiKey', PROVIDER_KEY)).rejects.toBeInstanceOf(SecretStoreError)
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).toBe(before)
    expect(store.has('providerApiKey')).toBe(false)
  })

  it('reports os-keyring protection with a real keyring backend', async () => {
    Object.defineProperty(process, 'platform', { value: 'linux' })
    fakeSafeStorage.state.backend = 'kwallet6'
    expect((await safeStorageCipher.protection()).kind).toBe('os-keyring')
    Object.defineProperty(process, 'platform', { value: 'darwin' })
    fakeSafeStorage.state.backend = 'basic_text'
    expect((await safeStorageCipher.protection()).kind).toBe('os-keyring')
  })

  it('reports obfuscated-basic-text on linux without a keyring', async () => {
    Object.defineProperty(process, 'platform', { value: 'linux' })
    fakeSafeStorage.state.backend = 'basic_text'
    const protection = await safeStorageCipher.protection()
    expect(protection.kind).toBe('obfuscated-basic-text')
    expect(protection.description).toMatch(/keyring/i)
    const store = new SecretStore('/unused/secrets.json', safeStorageCipher)
    expect((await store.protection()).kind).toBe('obfuscated-basic-text')
  })

  it('fails with SecretStoreError when a stored value can no longer be decrypted', async () => {
    const dir = await tempDir()
    await (await storeIn(dir)).set('providerApiKey', PROVIDER_KEY)
    const file = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as {
      entries: Record<string, string>
    }
    const bytes = Buffer.from(file.entries.providerApiKey ?? '', 'base64')
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff
    file.entries.providerApiKey = bytes.toString('base64')
    await writeFile(join(dir, 'secrets.json'), JSON.stringify(file))

    const store = new SecretStore(join(dir, 'secrets.json'), safeStorageCipher)
    const failure = store.load()
    await expect(failure).rejects.toBeInstanceOf(SecretStoreError)
    await expect(failure).rejects.toThrow(
      'The stored providerApiKey can no longer be decrypted; enter it again.',
    )
  })
})
