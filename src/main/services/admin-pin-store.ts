import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { parseJsonOrUndefined, SerialFileWriter } from './atomic-write'

/**
 * `none`: no PIN was ever set (first-run setup, the kiosk is open).
 * `set`: a PIN hash is stored.
 * `recovery-needed`: the PIN cannot be known (its file is damaged, or it was still inside a secrets file that can
 * no longer be read). The kiosk stays locked until an operator proves access: a provisioning file's `admin.pin`,
 * or a `reset-admin-pin` file placed in the data folder.
 */
export type AdminPinState = 'none' | 'set' | 'recovery-needed'

const PinFileSchema = z.object({
  version: z.literal(1),
  state: z.enum(['none', 'set', 'recovery-needed']),
  hash: z.string().min(1).optional(),
  failedAttempts: z.number().int().min(0),
  blockedUntil: z.number().min(0),
})
type PinFile = z.infer<typeof PinFileSchema>

/** File names in the data folder, next to `secrets.json`. */
export const ADMIN_PIN_FILE = 'admin-pin.json'
/** An operator with access to the data folder creates this (any content) to remove the PIN at the next start. */
export const RESET_ADMIN_PIN_FILE = 'reset-admin-pin'

/** What the operator is told wherever a PIN that cannot be read keeps the panel locked. */
export const ADMIN_PIN_RECOVERY_HINT =
  `To open the admin panel, start the kiosk with a provisioning file that sets admin.pin (--config), or ` +
  `place an empty file named "${RESET_ADMIN_PIN_FILE}" in the data folder and restart, then set a new PIN.`

export type PinFileStatus = 'loaded' | 'missing' | 'damaged'

/**
 * The admin PIN hash and its lockout state, in their own small file apart from the encrypted keys, so that a
 * keyring that can no longer decrypt the keys never takes the PIN with it. The hash is a salted scrypt hash and
 * needs no encryption; the file is still mode 0600.
 */
export class AdminPinStore {
  private record: PinFile = { version: 1, state: 'none', failedAttempts: 0, blockedUntil: 0 }

  private readonly writer: SerialFileWriter

  constructor(readonly filePath: string) {
    this.writer = new SerialFileWriter(filePath)
  }

  /** A damaged file leaves the store in `recovery-needed`: an unreadable PIN never opens the kiosk. */
  async load(): Promise<PinFileStatus> {
    let text: string
    try {
      text = await readFile(this.filePath, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
      this.record = { ...this.record, state: 'recovery-needed', hash: undefined }
      return 'damaged'
    }
    const parsed = PinFileSchema.safeParse(parseJsonOrUndefined(text))
    if (!parsed.success || (parsed.data.state === 'set' && parsed.data.hash === undefined)) {
      this.record = { ...this.record, state: 'recovery-needed', hash: undefined }
      return 'damaged'
    }
    this.record = parsed.data
    return 'loaded'
  }

  get state(): AdminPinState {
    return this.record.state
  }

  get hash(): string | undefined {
    return this.record.state === 'set' ? this.record.hash : undefined
  }

  get failedAttempts(): number {
    return this.record.failedAttempts
  }

  get blockedUntil(): number {
    return this.record.blockedUntil
  }

  /** Records a PIN (or, with `undefined`, the absence of one) and clears the lockout. */
  async setHash(hash: string | undefined): Promise<void> {
    this.record = {
      version: 1,
      state: hash === undefined ? 'none' : 'set',
      hash,
      failedAttempts: 0,
      blockedUntil: 0,
    }
    await this.persist()
  }

  /** Locks the kiosk until an operator proves access; written down so a restart cannot open it. */
  async requireRecovery(): Promise<void> {
    this.record = { ...this.record, state: 'recovery-needed', hash: undefined }
    await this.persist()
  }

  /** Counts are updated in memory at once (callers rely on that); the write follows. */
  setLockout(failedAttempts: number, blockedUntil: number): Promise<void> {
    this.record = { ...this.record, failedAttempts, blockedUntil }
    return this.persist()
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.record, null, 2)
    return this.writer.write(snapshot)
  }
}
