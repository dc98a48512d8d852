import { app, safeStorage } from 'electron'
import log from 'electron-log/main'
import Store from 'electron-store'
import { join } from 'node:path'
import type { HostAdapters } from '../app-services'
import { confDocument } from '../services/json-document'
import type { LogSink } from '../services/logger'
import { SecretStoreError, type SecretCipher } from '../services/secrets'
import { SESSION_LEDGER_FILE } from '../services/session-ledger'

/** Secrets encrypted with the OS keychain through safeStorage's async API (the sync API is deprecated). */
export const safeStorageCipher: SecretCipher = {
  async protection() {
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return {
        kind: 'obfuscated-basic-text',
        description:
          'No OS keyring is available on this Linux system, so keys are only obfuscated with a fixed key. Protect the kiosk account, or install a keyring (GNOME Keyring or KWallet).',
      }
    }
    return {
      kind: 'os-keyring',
      description: 'Keys are encrypted with a key held by the operating system keychain.',
    }
  },
  async encrypt(plainText) {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new SecretStoreError('Encryption is not available on this system, so the key was not stored.')
    }
    return safeStorage.encryptStringAsync(plainText)
  },
  async decrypt(data) {
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(data)
    return { plainText: result, reEncrypt: shouldReEncrypt }
  },
}

export function createElectronLogSink(): LogSink {
  log.transports.file.level = 'info'
  log.transports.console.level = app.isPackaged ? false : 'info'
  return (level, line) => log[level](line)
}

export function electronHostAdapters(logSink: LogSink): HostAdapters {
  const userData = app.getPath('userData')
  return {
    settingsDocument: confDocument(
      join(userData, 'settings.json'),
      () =>
        new Store<Record<string, unknown>>({
          name: 'settings',
          clearInvalidConfig: false,
          accessPropertiesByDotNotation: false,
          configFileMode: 0o600,
        }),
    ),
    secretsFile: join(userData, 'secrets.json'),
    sessionLedgerFile: join(userData, SESSION_LEDGER_FILE),
    secretCipher: safeStorageCipher,
    logSink,
    backgroundsDir: join(userData, 'backgrounds'),
    sampleBackgroundsDir: app.isPackaged
      ? join(process.resourcesPath, 'backgrounds')
      : join(app.getAppPath(), 'resources', 'backgrounds'),
  }
}
