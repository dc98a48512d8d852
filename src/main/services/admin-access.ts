import { BridgeError } from '../../shared/result'
import { hashPin, verifyPin } from './admin-pin'
import { ADMIN_PIN_RECOVERY_HINT, type AdminPinStore } from './admin-pin-store'
import type { SecretStore } from './secrets'

export interface AdminAccessOptions {
  now?: () => number
  /** How long an unlock lasts without activity. */
  unlockWindowMs?: number
  freeAttempts?: number
  firstLockoutMs?: number
  maxLockoutMs?: number
}

/**
 * Guards every call that changes the kiosk. A kiosk stands in public, so the admin PIN is rate-limited: after a
 * few wrong guesses each further guess waits twice as long as the one before. The count and the block survive a
 * restart (they live in the PIN file), so pulling the plug does not buy more guesses.
 */
export class AdminAccess {
  private unlockedUntil = 0
  private readonly now: () => number
  private readonly unlockWindowMs: number
  private readonly freeAttempts: number
  private readonly firstLockoutMs: number
  private readonly maxLockoutMs: number

  constructor(
    private readonly pins: AdminPinStore,
    /** Only read for a PIN a provisioning file wrote there (`admin.pin`), which this then moves to `pins`. */
    private readonly secrets: SecretStore,
    options: AdminAccessOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.unlockWindowMs = options.unlockWindowMs ?? 5 * 60_000
    this.freeAttempts = options.freeAttempts ?? 5
    this.firstLockoutMs = options.firstLockoutMs ?? 30_000
    this.maxLockoutMs = options.maxLockoutMs ?? 15 * 60_000
  }

  /** True also while the PIN must be recovered: then no PIN is known, but the kiosk must not be open. */
  hasPin(): boolean {
    return this.pins.state !== 'none' || this.secrets.has('adminPinHash')
  }

  /** Without a PIN the kiosk is in first-run setup and open; the admin panel asks the operator to set one. */
  isLocked(): boolean {
    return this.hasPin() && this.now() >= this.unlockedUntil
  }

  assertUnlocked(): void {
    if (this.isLocked())
      throw new BridgeError({ code: 'admin-locked', message: 'Enter the admin PIN first.' })
    if (this.hasPin()) this.unlockedUntil = this.now() + this.unlockWindowMs
  }

  async unlock(pin: string): Promise<{ unlocked: boolean; retryAfterMs: number }> {
    // Capped so that a clock set back (or a tampered file) cannot block the panel for longer than the maximum.
    const wait = Math.min(this.pins.blockedUntil - this.now(), this.maxLockoutMs)
    if (wait > 0) return { unlocked: false, retryAfterMs: wait }
    // Every guess is counted as a failure before the first await, so guesses sent in parallel each see the
    // ones before them and cannot all slip through while a slow hash runs. A right PIN takes the count back.
    const failedAttempts = this.pins.failedAttempts + 1
    const over = failedAttempts - this.freeAttempts
    const lockout = over < 0 ? 0 : Math.min(this.maxLockoutMs, this.firstLockoutMs * 2 ** over)
    const counted = this.pins.setLockout(failedAttempts, this.now() + lockout)
    // The count already holds in memory; a disk that refuses the write must not let the guess through either.
    await counted.catch(() => undefined)

    await this.adoptProvisionedPin()
    // No PIN can match: say so on the PIN form itself, where the operator is (the notices sit behind the lock).
    if (this.pins.state === 'recovery-needed')
      throw new BridgeError({
        code: 'admin-locked',
        message: `The admin PIN could not be read, so no PIN can open this panel. ${ADMIN_PIN_RECOVERY_HINT}`,
      })
    const stored = this.pins.hash
    const open = this.pins.state === 'none'
    if (open || (stored !== undefined && (await verifyPin(pin, stored)))) {
      await this.pins.setLockout(0, 0).catch(() => undefined)
      this.unlockedUntil = this.now() + this.unlockWindowMs
      return { unlocked: true, retryAfterMs: 0 }
    }
    return { unlocked: false, retryAfterMs: lockout }
  }

  lock(): void {
    this.unlockedUntil = 0
  }

  async setPin(pin: string): Promise<void> {
    this.assertUnlocked()
    await this.pins.setHash(await hashPin(pin))
    this.unlockedUntil = this.now() + this.unlockWindowMs
  }

  /**
   * A provisioning file (`--config`, `admin.pin`) stores its PIN hash in the secrets file; the PIN file takes it
   * over. This is also how an operator recovers a kiosk whose PIN could not be read.
   */
  async adoptProvisionedPin(): Promise<boolean> {
    if (!this.secrets.has('adminPinHash')) return false
    const hash = await this.secrets.get('adminPinHash')
    if (hash === undefined) return false
    await this.pins.setHash(hash)
    await this.secrets.clear('adminPinHash')
    return true
  }
}
