import { BridgeError } from '../../shared/result'
import { hashPin, verifyPin } from './admin-pin'
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
 * few wrong guesses each further guess waits twice as long as the one before.
 */
export class AdminAccess {
  private unlockedUntil = 0
  private failedAttempts = 0
  private blockedUntil = 0
  private readonly now: () => number
  private readonly unlockWindowMs: number
  private readonly freeAttempts: number
  private readonly firstLockoutMs: number
  private readonly maxLockoutMs: number

  constructor(
    private readonly secrets: SecretStore,
    options: AdminAccessOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.unlockWindowMs = options.unlockWindowMs ?? 5 * 60_000
    this.freeAttempts = options.freeAttempts ?? 5
    this.firstLockoutMs = options.firstLockoutMs ?? 30_000
    this.maxLockoutMs = options.maxLockoutMs ?? 15 * 60_000
  }

  hasPin(): boolean {
    return this.secrets.has('adminPinHash')
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
    const wait = this.blockedUntil - this.now()
    if (wait > 0) return { unlocked: false, retryAfterMs: wait }
    const stored = await this.secrets.get('adminPinHash')
    if (stored === undefined || (await verifyPin(pin, stored))) {
      this.failedAttempts = 0
      this.unlockedUntil = this.now() + this.unlockWindowMs
      return { unlocked: true, retryAfterMs: 0 }
    }
    this.failedAttempts += 1
    const over = this.failedAttempts - this.freeAttempts
    const lockout = over < 0 ? 0 : Math.min(this.maxLockoutMs, this.firstLockoutMs * 2 ** over)
    this.blockedUntil = this.now() + lockout
    return { unlocked: false, retryAfterMs: lockout }
  }

  lock(): void {
    this.unlockedUntil = 0
  }

  async setPin(pin: string): Promise<void> {
    this.assertUnlocked()
    await this.secrets.set('adminPinHash', await hashPin(pin))
    this.unlockedUntil = this.now() + this.unlockWindowMs
  }
}
