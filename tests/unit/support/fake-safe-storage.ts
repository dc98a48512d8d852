import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

type Backend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'

/**
 * A stand-in for Electron's `safeStorage` that really encrypts (AES-256-GCM), with key rotation: a ciphertext
 * made with an older key still decrypts but asks to be re-encrypted, like the real API after a keychain change.
 */
export function createFakeSafeStorage() {
  const keys = [randomBytes(32)]
  const state = { available: true, backend: 'gnome_libsecret' as Backend, currentKey: 0 }

  const safeStorage = {
    isAsyncEncryptionAvailable: async () => state.available,
    getSelectedStorageBackend: () => state.backend,
    encryptStringAsync: async (plainText: string): Promise<Buffer> => {
      if (!state.available) throw new Error('Encryption is not available.')
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', keys[state.currentKey]!, iv)
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()])
      return Buffer.concat([Buffer.from([state.currentKey]), iv, cipher.getAuthTag(), body])
    },
    decryptStringAsync: async (data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> => {
      const keyIndex = data[0] ?? -1
      const key = keys[keyIndex]
      if (!key)
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 13))
      decipher.setAuthTag(data.subarray(13, 29))
      const result = Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]).toString('utf8')
      return { result, shouldReEncrypt: keyIndex !== state.currentKey }
    },
  }

  return {
    safeStorage,
    state,
    /** The OS keychain moved to a new key; old ciphertexts remain readable. */
    rotateKey() {
      keys.push(randomBytes(32))
      state.currentKey = keys.length - 1
    },
    reset() {
      keys.splice(1)
      state.available = true
      state.backend = 'gnome_libsecret'
      state.currentKey = 0
    },
  }
}

/** Shared between a test file and its `vi.mock('electron')` factory (both import this same module). */
export const fakeSafeStorage = createFakeSafeStorage()
