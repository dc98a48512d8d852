import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Notice } from '../../shared/contract'
import { ADMIN_PIN_RECOVERY_HINT, RESET_ADMIN_PIN_FILE, type AdminPinStore } from './admin-pin-store'
import { backupFile } from './json-document'
import type { Logger } from './logger'
import { SecretStoreError, type SecretStore } from './secrets'

/**
 * Loads the keys and the admin PIN at start-up. Rule: nothing found damaged on disk ever lowers protection.
 * Keys that cannot be read are set aside (the avatar falls back to what still works, e.g. the sandbox), but a PIN
 * that cannot be known keeps the admin panel locked until an operator proves access.
 */
export async function loadSecretsAndPin(
  secrets: SecretStore,
  pins: AdminPinStore,
  secretsFile: string,
  log: Logger,
): Promise<Notice[]> {
  const notices: Notice[] = []
  let pinFile = await pins.load()

  // Physical access to the data folder is proof enough: whoever can place this file can also replace the app.
  const resetFile = join(dirname(secretsFile), RESET_ADMIN_PIN_FILE)
  const resetUsed = existsSync(resetFile)
  if (resetUsed) {
    await pins.setHash(undefined)
    await rm(resetFile, { force: true })
    pinFile = 'loaded'
    notices.push({
      level: 'warning',
      message: `The admin PIN was removed by a "${RESET_ADMIN_PIN_FILE}" file in the data folder. Set a new PIN now.`,
    })
    log.warn('admin PIN removed by the reset file in the data folder')
  } else if (pinFile === 'damaged') {
    // The store is already locked in memory; keeping a copy and writing the locked state down are best effort
    // (the file may be unreadable to us too), and the write means the next start does not copy it again.
    const copy = attempt(() => backupFile(pins.filePath, 'damaged'))
    await pins
      .requireRecovery()
      .catch((error: unknown) => log.error('admin PIN file not rewritten', { error }))
    notices.push({
      level: 'error',
      message: `The admin PIN file is damaged, so the admin panel stays locked. ${ADMIN_PIN_RECOVERY_HINT}`,
    })
    log.error('admin PIN file damaged; admin panel locked until recovery', { backup: copy })
  } else if (pins.state === 'recovery-needed') {
    notices.push({
      level: 'error',
      message: `The admin PIN could not be read, so the admin panel stays locked. ${ADMIN_PIN_RECOVERY_HINT}`,
    })
  }

  try {
    await secrets.load()
  } catch (error) {
    if (!(error instanceof SecretStoreError)) throw error
    const copy = attempt(() => backupFile(secretsFile, 'damaged'))
    // The keys are dropped in memory at once; a disk that refuses the rewrite must not stop the kiosk starting.
    await secrets
      .reset()
      .catch((failure: unknown) => log.error('secrets file not rewritten', { error: failure }))
    notices.push({
      level: 'error',
      message: `${error.message} A copy of the damaged file was kept at ${copy}.`,
    })
    log.error('secrets file damaged; starting without stored keys', { backup: copy })
    // Before the PIN had its own file it lived in the secrets file: if that is the one lost, the PIN is unknown.
    if (pinFile === 'missing') {
      await pins.requireRecovery()
      notices.push({
        level: 'error',
        message: `The admin PIN was kept in that file and cannot be read, so the admin panel stays locked. ${ADMIN_PIN_RECOVERY_HINT}`,
      })
      log.error('admin PIN lost with the secrets file; admin panel locked until recovery')
    }
    return notices
  }

  // Migration: the PIN hash moves out of the secrets file into its own; a kiosk without a PIN records that, so
  // that a later unreadable secrets file cannot be mistaken for one that held a PIN. A hash found there later
  // was written by a provisioning file (`admin.pin`) and is taken over too, unless the reset file just ran.
  const hash = await secrets.get('adminPinHash')
  if (hash !== undefined && resetUsed) {
    await secrets.clear('adminPinHash')
  } else if (hash !== undefined || pinFile === 'missing') {
    await pins.setHash(hash)
    if (hash !== undefined) await secrets.clear('adminPinHash')
    log.info('admin PIN moved to its own file', { hadPin: hash !== undefined })
  }
  return notices
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run()
  } catch {
    return undefined
  }
}
