import { existsSync } from 'node:fs'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import { hashPin } from '../../../src/main/services/admin-pin'
import { applyProvisioningFile } from '../../../src/main/services/provisioning'
import { filePermissionsOnlyCipher, type SecretCipher } from '../../../src/main/services/secrets'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const PIN = '482916'
const context = { clientId: 'window:1' }

async function start(dir: string, cipher: SecretCipher = filePermissionsOnlyCipher): Promise<AppServices> {
  return createAppServices({ ...nodeHostAdapters(dir, () => {}), secretCipher: cipher })
}

/** Starts, runs `body`, and always closes, so a failing expectation leaves nothing running. */
async function withServices(
  dir: string,
  body: (services: AppServices) => Promise<void>,
  cipher?: SecretCipher,
): Promise<void> {
  const services = await start(dir, cipher)
  try {
    await body(services)
  } finally {
    await services.close()
  }
}

/** A kiosk set up before the PIN had its own file: the hash sat in secrets.json next to the keys. */
async function writeLegacySecrets(dir: string): Promise<void> {
  const entries = {
    providerApiKey: Buffer.from('provider-key-123456').toString('base64'),
    adminPinHash: Buffer.from(await hashPin(PIN)).toString('base64'),
  }
  await writeFile(join(dir, 'secrets.json'), JSON.stringify({ version: 1, entries }))
}

const keyringLocked: SecretCipher = {
  ...filePermissionsOnlyCipher,
  decrypt: async () => {
    throw new Error('keyring locked')
  },
}

async function unlock(services: AppServices, pin: string) {
  return services.dispatch('unlockAdmin', { pin }, context)
}

describe('start-up with damaged secrets or PIN (the admin panel never opens by accident)', () => {
  it('moves a PIN out of an old secrets file into its own file', async () => {
    const dir = await tempDir()
    await writeLegacySecrets(dir)
    await withServices(dir, async (services) => {
      expect(services.admin.isLocked()).toBe(true)
      expect(await services.secrets.get('providerApiKey')).toBe('provider-key-123456')
      expect(services.secrets.has('adminPinHash')).toBe(false)
      expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('adminPinHash')
      expect(await unlock(services, PIN)).toEqual({ ok: true, value: { unlocked: true, retryAfterMs: 0 } })
    })
  }, 60_000)

  it('an undecryptable secrets file drops the keys but keeps the PIN and the lock', async () => {
    const dir = await tempDir()
    await withServices(dir, async (services) => {
      await services.dispatch('setAdminPin', { pin: PIN }, context)
      await services.dispatch('setSecret', { name: 'providerApiKey', value: 'provider-key-123456' }, context)
    })
    await withServices(
      dir,
      async (services) => {
        expect(services.secrets.has('providerApiKey')).toBe(false)
        expect(services.admin.isLocked()).toBe(true)
        expect(services.notices.map((notice) => notice.message).join(' ')).toMatch(
          /can no longer be decrypted/,
        )
        expect(await unlock(services, '000000')).toMatchObject({ value: { unlocked: false } })
        expect(await unlock(services, PIN)).toMatchObject({ value: { unlocked: true } })
      },
      keyringLocked,
    )
  }, 60_000)

  it('an old secrets file that cannot be read keeps the kiosk locked, across restarts, until a provisioning PIN', async () => {
    const dir = await tempDir()
    await writeLegacySecrets(dir)
    await withServices(
      dir,
      async (services) => {
        expect(services.admin.hasPin()).toBe(true)
        expect(services.admin.isLocked()).toBe(true)
        const text = services.notices.map((notice) => notice.message).join(' ')
        expect(text).toMatch(/admin panel stays locked/)
        expect(text).toMatch(/admin\.pin/)
        expect(text).toMatch(/reset-admin-pin/)
        // No PIN is known, so none opens the panel, and the PIN form says how to recover.
        expect(await unlock(services, PIN)).toMatchObject({
          ok: false,
          error: { code: 'admin-locked', message: expect.stringMatching(/reset-admin-pin/) as string },
        })
        expect(await services.dispatch('setAdminPin', { pin: '1111' }, context)).toMatchObject({
          ok: false,
          error: { code: 'admin-locked' },
        })
      },
      keyringLocked,
    )
    // The secrets file was reset, but the kiosk remembers that a PIN must be recovered.
    await withServices(dir, async (services) => {
      expect(services.admin.isLocked()).toBe(true)
      const provisioning = join(dir, 'provision.json')
      await writeFile(provisioning, JSON.stringify({ admin: { pin: '135790' } }))
      await applyProvisioningFile(provisioning, services)
      expect(await unlock(services, '135790')).toEqual({
        ok: true,
        value: { unlocked: true, retryAfterMs: 0 },
      })
    })
    await withServices(dir, async (services) => {
      expect(services.admin.isLocked()).toBe(true)
      expect(services.secrets.has('adminPinHash')).toBe(false)
      expect(await unlock(services, '135790')).toMatchObject({ value: { unlocked: true } })
    })
  }, 60_000)

  it('a damaged PIN file keeps the panel locked and says how to recover; the reset file in the data folder clears it', async () => {
    const dir = await tempDir()
    await withServices(dir, async (services) => {
      await services.dispatch('setAdminPin', { pin: PIN }, context)
    })
    await writeFile(join(dir, 'admin-pin.json'), '{"version":1,"sta')
    await withServices(dir, async (services) => {
      expect(services.admin.isLocked()).toBe(true)
      expect(services.notices).toContainEqual({
        level: 'error',
        message: expect.stringMatching(/admin PIN file is damaged/) as string,
      })
      expect(await unlock(services, PIN)).toMatchObject({ ok: false, error: { code: 'admin-locked' } })
    })
    expect((await readdir(dir)).some((name) => name.startsWith('admin-pin.damaged-'))).toBe(true)
    // Still locked after another restart: damage never heals into an open kiosk. It is copied aside only once.
    await withServices(dir, async (services) => {
      expect(services.admin.isLocked()).toBe(true)
      expect(services.notices.map((notice) => notice.message).join(' ')).toMatch(/reset-admin-pin/)
    })
    expect((await readdir(dir)).filter((name) => name.startsWith('admin-pin.damaged-'))).toHaveLength(1)

    await writeFile(join(dir, 'reset-admin-pin'), '')
    await withServices(dir, async (services) => {
      expect(services.admin.hasPin()).toBe(false)
      expect(services.admin.isLocked()).toBe(false)
      expect(services.notices).toContainEqual({
        level: 'warning',
        message: expect.stringMatching(/removed by a "reset-admin-pin" file/) as string,
      })
      await services.dispatch('setAdminPin', { pin: '246802' }, context)
    })
    expect(existsSync(join(dir, 'reset-admin-pin'))).toBe(false)
    await withServices(dir, async (services) => {
      expect(services.admin.isLocked()).toBe(true)
      expect(await unlock(services, '246802')).toMatchObject({ value: { unlocked: true } })
    })
  }, 60_000)

  it('a PIN a provisioning file set is taken over at the next start, even if nobody unlocked in between', async () => {
    const dir = await tempDir()
    await withServices(dir, async (services) => {
      const provisioning = join(dir, 'provision.json')
      await writeFile(provisioning, JSON.stringify({ admin: { pin: '135790' } }))
      await applyProvisioningFile(provisioning, services)
      expect(services.admin.isLocked()).toBe(true)
    })
    await withServices(dir, async (services) => {
      expect(services.secrets.has('adminPinHash')).toBe(false)
      expect(await readFile(join(dir, 'admin-pin.json'), 'utf8')).toContain('scrypt$')
      await services.secrets.set('providerApiKey', 'provider-key-123456')
    })
    // Now the keyring can no longer decrypt the keys: the PIN, in its own file, still holds.
    await withServices(
      dir,
      async (services) => {
        expect(services.secrets.has('providerApiKey')).toBe(false)
        expect(services.admin.isLocked()).toBe(true)
        expect(await unlock(services, '135790')).toMatchObject({ value: { unlocked: true } })
      },
      keyringLocked,
    )
  }, 60_000)
})
