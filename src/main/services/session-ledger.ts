import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ProviderKindSchema } from '../../shared/settings/schema'
import { parseJsonOrUndefined, SerialFileWriter } from './atomic-write'
import { backupFile } from './json-document'
import type { Logger } from './logger'

export const SESSION_LEDGER_FILE = 'sessions-ledger.json'

/**
 * What a later run needs to stop a session this one started: never the API key (that stays in the secret
 * store), only the session's own token and id, which are worth nothing once the session has ended.
 */
const LedgerEntrySchema = z.object({
  kind: ProviderKindSchema,
  baseUrl: z.string().min(1),
  token: z.string().min(1),
  /** Against the built-in sandbox, which dies with the process that ran it. */
  sandbox: z.boolean(),
  /** Known at mint time for LiveAvatar; for the legacy API only once the page reports its session. */
  sessionId: z.string().min(1).optional(),
  /** When the token was minted (ms since the epoch): the session cannot be older. */
  recordedAt: z.number().int().nonnegative(),
})

export type LedgerEntry = z.infer<typeof LedgerEntrySchema>

const LEDGER_VERSION = 1

const LedgerFileSchema = z.object({
  version: z.literal(LEDGER_VERSION),
  sessions: z.record(z.string(), z.unknown()),
})

/**
 * The provider sessions this kiosk started and has not seen stopped, on disk, so a power cut or a killed
 * process does not leave them running (and billed) until the provider's idle timeout: the next start stops
 * whatever is still listed. Each change rewrites the small file atomically (synced before the rename).
 * Failures to write are logged and never stop a session from starting: the in-memory registry still stops
 * everything short of a power cut.
 */
export class SessionLedger {
  private readonly entries = new Map<string, LedgerEntry>()
  private readonly writer: SerialFileWriter
  private lastWrite: Promise<void> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {
    this.writer = new SerialFileWriter(path)
  }

  /**
   * What the last run left listed. A file that cannot be understood is kept aside (`.corrupt-<time>`) and the
   * ledger starts over: an unreadable ledger must never keep the kiosk from starting.
   */
  async load(): Promise<ReadonlyMap<string, LedgerEntry>> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log.error('session ledger unreadable; starting with an empty one', { error })
      }
      return new Map()
    }
    const file = LedgerFileSchema.safeParse(parseJsonOrUndefined(text))
    if (!file.success) {
      this.setAside('corrupt', 'session ledger damaged; kept aside and started over')
      await this.write()
      return new Map()
    }
    let dropped = 0
    for (const [id, raw] of Object.entries(file.data.sessions)) {
      const entry = LedgerEntrySchema.safeParse(raw)
      if (entry.success) this.entries.set(id, entry.data)
      else dropped += 1
    }
    // The entries that still parse are kept: each one may be a session that costs money.
    if (dropped > 0) {
      this.setAside('invalid', 'session ledger had entries it could not read; kept aside', { dropped })
      await this.write()
    }
    return new Map(this.entries)
  }

  /** Resolves once the entry is on disk (or the write failed and was logged). */
  record(id: string, entry: LedgerEntry): Promise<void> {
    this.entries.set(id, entry)
    return this.write()
  }

  forget(id: string): Promise<void> {
    if (!this.entries.delete(id)) return this.lastWrite
    return this.write()
  }

  /** Resolves when every change asked for so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.lastWrite
  }

  private write(): Promise<void> {
    const content = JSON.stringify({ version: LEDGER_VERSION, sessions: Object.fromEntries(this.entries) })
    this.lastWrite = this.writer.write(content).catch((error: unknown) => {
      this.log.error('session ledger not written', { error })
    })
    return this.lastWrite
  }

  private setAside(reason: string, message: string, context: Record<string, unknown> = {}): void {
    let copy: string | undefined
    try {
      copy = backupFile(this.path, reason)
    } catch (error) {
      context.backupError = error
    }
    this.log.error(message, { ...context, backup: copy })
  }
}
