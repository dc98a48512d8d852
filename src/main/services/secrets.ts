import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { SecretName } from '../../shared/contract'
import { parseJsonOrUndefined, SerialFileWriter } from './atomic-write'

export type StoredSecretName = SecretName | 'adminPinHash'

export type SecretProtectionKind = 'os-keyring' | 'obfuscated-basic-text' | 'file-permissions-only'

/** How secrets are turned into bytes on disk: Electron's safeStorage, or nothing but file permissions. */
export interface SecretCipher {
  protection(): Promise<{ kind: SecretProtectionKind; description: string }>
  encrypt(plainText: string): Promise<Buffer>
  /** `reEncrypt` asks the store to write the value again with the current key. */
  decrypt(data: Buffer): Promise<{ plainText: string; reEncrypt: boolean }>
}

/** The web host's cipher: the file is mode 0600 and that is the only protection, which the UI states plainly. */
export const filePermissionsOnlyCipher: SecretCipher = {
  async protection() {
    return {
      kind: 'file-permissions-only',
      description:
        'Keys are stored unencrypted in a file that only this user account can read (mode 0600). No OS keyring protects them.',
    }
  },
  async encrypt(plainText) {
    return Buffer.from(plainText, 'utf8')
  },
  async decrypt(data) {
    return { plainText: data.toString('utf8'), reEncrypt: false }
  },
}

const SecretsFileSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), z.string()),
})

export class SecretStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SecretStoreError'
  }
}

/**
 * Secrets live only in the main process: encrypted at rest by the cipher, decrypted on demand, cached in memory
 * so that the logger can redact them. The renderer only ever learns `has(name)`.
 */
export class SecretStore {
  private entries = new Map<StoredSecretName, string>()
  private readonly plainCache = new Map<StoredSecretName, string>()

  private readonly writer: SerialFileWriter

  constructor(
    private readonly filePath: string,
    private readonly cipher: SecretCipher,
  ) {
    this.writer = new SerialFileWriter(filePath)
  }

  async load(): Promise<void> {
    let text: string
    try {
      text = await readFile(this.filePath, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    const parsed = SecretsFileSchema.safeParse(parseJsonOrUndefined(text))
    if (!parsed.success)
      throw new SecretStoreError(`The secrets file ${this.filePath} is damaged; re-enter the keys.`)
    this.entries = new Map(Object.entries(parsed.data.entries) as [StoredSecretName, string][])
    for (const name of this.entries.keys()) await this.get(name)
  }

  has(name: StoredSecretName): boolean {
    return this.entries.has(name)
  }

  async get(name: StoredSecretName): Promise<string | undefined> {
    const cached = this.plainCache.get(name)
    if (cached !== undefined) return cached
    const stored = this.entries.get(name)
    if (stored === undefined) return undefined
    let decrypted: { plainText: string; reEncrypt: boolean }
    try {
      decrypted = await this.cipher.decrypt(Buffer.from(stored, 'base64'))
    } catch (error) {
      throw new SecretStoreError(`The stored ${name} can no longer be decrypted; enter it again.`, {
        cause: error,
      })
    }
    this.plainCache.set(name, decrypted.plainText)
    if (decrypted.reEncrypt) await this.set(name, decrypted.plainText)
    return decrypted.plainText
  }

  async set(name: StoredSecretName, plainText: string): Promise<void> {
    const encrypted = await this.cipher.encrypt(plainText)
    this.entries.set(name, encrypted.toString('base64'))
    this.plainCache.set(name, plainText)
    await this.persist()
  }

  async clear(name: StoredSecretName): Promise<void> {
    this.entries.delete(name)
    this.plainCache.delete(name)
    await this.persist()
  }

  /** Starts over with no secrets, e.g. after the file was found damaged (and backed up by the caller). */
  async reset(): Promise<void> {
    this.entries.clear()
    this.plainCache.clear()
    await this.persist()
  }

  /** Every secret value main has seen, for log redaction. */
  knownValues(): string[] {
    return [...this.plainCache.values()]
  }

  protection() {
    return this.cipher.protection()
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }, null, 2)
    return this.writer.write(snapshot)
  }
}
