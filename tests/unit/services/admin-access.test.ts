import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import { AdminAccess } from '../../../src/main/services/admin-access'
import { hashPin, verifyPin } from '../../../src/main/services/admin-pin'
import { AdminPinStore } from '../../../src/main/services/admin-pin-store'
import { SecretStore, filePermissionsOnlyCipher } from '../../../src/main/services/secrets'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { BridgeError } from '../../../src/shared/result'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const PIN = '482916'
const MINUTE = 60_000

async function setup(options: { withPin?: boolean } = {}) {
  const dir = await tempDir()
  const secrets = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
  const pins = new AdminPinStore(join(dir, 'admin-pin.json'))
  if (options.withPin !== false) await pins.setHash(await hashPin(PIN))
  const clock = { now: 1_700_000_000_000 }
  const admin = new AdminAccess(pins, secrets, { now: () => clock.now })
  return { admin, secrets, pins, clock, dir }
}

function lockedError(run: () => void): BridgeError | undefined {
  try {
    run()
  } catch (error) {
    if (error instanceof BridgeError) return error
    throw error
  }
  return undefined
}

describe('AdminAccess without a PIN', () => {
  it('is open for first-run setup', async () => {
    const { admin } = await setup({ withPin: false })
    expect(admin.hasPin()).toBe(false)
    expect(admin.isLocked()).toBe(false)
    expect(() => admin.assertUnlocked()).not.toThrow()
    expect(await admin.unlock('anything')).toEqual({ unlocked: true, retryAfterMs: 0 })
    admin.lock()
    expect(admin.isLocked()).toBe(false)
  })

  it('setting a PIN stores only a hash and leaves the operator unlocked for the window', async () => {
    const { admin, secrets, dir, clock } = await setup({ withPin: false })
    await admin.setPin(PIN)
    expect(admin.hasPin()).toBe(true)
    // The hash lives in its own file, never in the encrypted secrets file.
    expect(secrets.has('adminPinHash')).toBe(false)
    const file = await readFile(join(dir, 'admin-pin.json'), 'utf8')
    const stored = (JSON.parse(file) as { hash: string }).hash
    expect(stored).toMatch(/^scrypt\$/)
    expect(file).not.toContain(PIN)
    expect(admin.isLocked()).toBe(false)
    clock.now += 5 * MINUTE
    expect(admin.isLocked()).toBe(true)
  })
})

describe('AdminAccess with a PIN', () => {
  it('starts locked and refuses mutations with admin-locked', async () => {
    const { admin } = await setup()
    expect(admin.isLocked()).toBe(true)
    const error = lockedError(() => admin.assertUnlocked())
    expect(error?.code).toBe('admin-locked')
    await expect(admin.setPin('1111')).rejects.toMatchObject({ code: 'admin-locked' })
  })

  it('unlocks with the right PIN for five minutes, extended by activity', async () => {
    const { admin, clock } = await setup()
    expect(await admin.unlock(PIN)).toEqual({ unlocked: true, retryAfterMs: 0 })
    expect(admin.isLocked()).toBe(false)
    clock.now += 4 * MINUTE
    admin.assertUnlocked()
    clock.now += 5 * MINUTE - 1
    expect(admin.isLocked()).toBe(false)
    clock.now += 1
    expect(admin.isLocked()).toBe(true)
    expect(lockedError(() => admin.assertUnlocked())?.code).toBe('admin-locked')
  })

  it('locks again on request', async () => {
    const { admin } = await setup()
    await admin.unlock(PIN)
    admin.lock()
    expect(admin.isLocked()).toBe(true)
  })

  it('escalates the lockout after repeated wrong PINs, up to the cap', async () => {
    const { admin, clock } = await setup()
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect(await admin.unlock('000000')).toEqual({ unlocked: false, retryAfterMs: 0 })
    }
    expect(await admin.unlock('000000')).toEqual({ unlocked: false, retryAfterMs: 30_000 })

    // While blocked, even the right PIN is not checked.
    expect(await admin.unlock(PIN)).toEqual({ unlocked: false, retryAfterMs: 30_000 })
    clock.now += 10_000
    expect(await admin.unlock(PIN)).toEqual({ unlocked: false, retryAfterMs: 20_000 })
    expect(admin.isLocked()).toBe(true)

    const expected = [60_000, 120_000, 240_000, 480_000, 900_000, 900_000]
    let wait = 20_000
    for (const lockout of expected) {
      clock.now += wait
      expect(await admin.unlock('999999')).toEqual({ unlocked: false, retryAfterMs: lockout })
      wait = lockout
    }

    clock.now += wait
    expect(await admin.unlock(PIN)).toEqual({ unlocked: true, retryAfterMs: 0 })
    // A success clears the count: the next wrong guess is free again.
    admin.lock()
    expect(await admin.unlock('000000')).toEqual({ unlocked: false, retryAfterMs: 0 })
  }, 60_000)

  it('honours custom limits', async () => {
    const dir = await tempDir()
    const secrets = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
    const pins = new AdminPinStore(join(dir, 'admin-pin.json'))
    await pins.setHash(await hashPin(PIN))
    const clock = { now: 0 }
    const admin = new AdminAccess(pins, secrets, {
      now: () => clock.now,
      freeAttempts: 1,
      firstLockoutMs: 1000,
      maxLockoutMs: 3000,
      unlockWindowMs: 100,
    })
    expect(await admin.unlock('1')).toEqual({ unlocked: false, retryAfterMs: 1000 })
    clock.now += 1000
    expect(await admin.unlock('1')).toEqual({ unlocked: false, retryAfterMs: 2000 })
    clock.now += 2000
    expect(await admin.unlock('1')).toEqual({ unlocked: false, retryAfterMs: 3000 })
    clock.now += 3000
    expect(await admin.unlock(PIN)).toEqual({ unlocked: true, retryAfterMs: 0 })
    clock.now += 100
    expect(admin.isLocked()).toBe(true)
  })
})

describe('AdminAccess lockout under pressure', () => {
  it('counts guesses sent in parallel before any is checked, so a burst cannot slip past the lockout', async () => {
    const { admin } = await setup()
    const wrong = Array.from({ length: 10 }, () => admin.unlock('000000'))
    const results = await Promise.all([...wrong, admin.unlock(PIN)])
    // Five guesses are checked (four free, the fifth starts the lockout); all the rest, the right PIN too, wait.
    expect(results.slice(0, 4)).toEqual(Array(4).fill({ unlocked: false, retryAfterMs: 0 }))
    expect(results[4]).toEqual({ unlocked: false, retryAfterMs: 30_000 })
    expect(results.slice(5)).toEqual(Array(6).fill({ unlocked: false, retryAfterMs: 30_000 }))
    expect(admin.isLocked()).toBe(true)
  }, 60_000)

  it('keeps the failure count and the block across a restart', async () => {
    const { admin, secrets, dir, clock } = await setup()
    for (let attempt = 1; attempt <= 5; attempt += 1) await admin.unlock('000000')

    const restart = async () => {
      const pins = new AdminPinStore(join(dir, 'admin-pin.json'))
      expect(await pins.load()).toBe('loaded')
      return new AdminAccess(pins, secrets, { now: () => clock.now })
    }
    const again = await restart()
    expect(await again.unlock(PIN)).toEqual({ unlocked: false, retryAfterMs: 30_000 })
    clock.now += 30_000
    // The count survived too: the next wrong guess doubles the lockout instead of being free.
    expect(await (await restart()).unlock('000000')).toEqual({ unlocked: false, retryAfterMs: 60_000 })
    clock.now += 60_000
    expect(await (await restart()).unlock(PIN)).toEqual({ unlocked: true, retryAfterMs: 0 })
  }, 60_000)

  it('never blocks for longer than the cap, even if the clock was set back', async () => {
    const { admin, pins, clock } = await setup()
    await pins.setLockout(9, clock.now + 24 * 60 * MINUTE)
    expect(await admin.unlock(PIN)).toEqual({ unlocked: false, retryAfterMs: 15 * MINUTE })
  })
})

describe('admin PIN hashing', () => {
  it('salts every hash and verifies only the right PIN', async () => {
    const first = await hashPin('1234')
    const second = await hashPin('1234')
    expect(first).not.toBe(second)
    expect(await verifyPin('1234', first)).toBe(true)
    expect(await verifyPin('1234', second)).toBe(true)
    expect(await verifyPin('1235', first)).toBe(false)
    expect(await verifyPin('1234', 'plain$1234$1234')).toBe(false)
    expect(await verifyPin('1234', '1234')).toBe(false)
    expect(await verifyPin('1234', 'scrypt$$')).toBe(false)
  })
})

describe('admin lock on the bridge', () => {
  it('refuses mutating calls while locked and allows them after unlocking', async () => {
    const dir = await tempDir()
    const services = await createAppServices(nodeHostAdapters(dir, () => {}))
    const context = { clientId: 'window:1' }
    expect(await services.dispatch('setAdminPin', { pin: PIN }, context)).toMatchObject({
      ok: true,
      value: { secrets: { adminPin: true }, admin: { locked: false } },
    })
    expect(await services.dispatch('lockAdmin', undefined, context)).toEqual({ ok: true, value: null })
    const view = await services.dispatch('getSettings', undefined, context)
    expect(view).toMatchObject({ ok: true, value: { admin: { locked: true } } })

    const refused = [
      await services.dispatch('updateSettings', { avatar: { quality: 'low' } }, context),
      await services.dispatch('setSecret', { name: 'providerApiKey', value: 'hg-locked-out-key' }, context),
      await services.dispatch('clearSecret', { name: 'providerApiKey' }, context),
      await services.dispatch('setAdminPin', { pin: '1111' }, context),
    ]
    for (const result of refused) {
      expect(result).toEqual({
        ok: false,
        error: { code: 'admin-locked', message: 'Enter the admin PIN first.' },
      })
    }
    expect(services.settings.get().avatar.quality).toBe('high')
    expect(services.secrets.has('providerApiKey')).toBe(false)

    expect(await services.dispatch('unlockAdmin', { pin: '000000' }, context)).toEqual({
      ok: true,
      value: { unlocked: false, retryAfterMs: 0 },
    })
    expect(await services.dispatch('unlockAdmin', { pin: PIN }, context)).toEqual({
      ok: true,
      value: { unlocked: true, retryAfterMs: 0 },
    })
    expect(await services.dispatch('updateSettings', { avatar: { quality: 'low' } }, context)).toMatchObject({
      ok: true,
      value: { settings: { avatar: { quality: 'low' } } },
    })
    expect(services.settings.get().avatar.quality).toBe('low')
    await services.close()
  }, 60_000)
})
