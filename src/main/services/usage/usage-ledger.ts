import { readFile } from 'node:fs/promises'
import type { Notice } from '../../../shared/contract'
import type { LiveAvatarMode, ProviderKind } from '../../../shared/settings/schema'
import type { BudgetStatus, UsageEvent, UsageReport } from '../../../shared/usage'
import { parseJsonOrUndefined, SerialFileWriter } from '../atomic-write'
import { backupFile } from '../json-document'
import type { Logger } from '../logger'
import { localDay } from './local-day'
import {
  budgetStatus,
  buildReport,
  closeLeftoverSessions,
  countAnswer,
  countEvent,
  countSessionEnd,
  countSessionStart,
  emptyUsageFile,
  ratePerMinute,
  trimUsageFile,
  UsageFileSchema,
  type AnswerCount,
  type CreditRates,
  type SessionEnd,
  type UsageFile,
} from './usage-model'

/** Events within this long share one write: a busy minute is a few writes, not one fsync per tap. */
const COALESCE_MS = 2_000
/**
 * While a session is open the file is rewritten this often, so a crash or power cut loses at most this much of
 * its minutes (a leftover session is counted up to the last write). Attract mode keeps most sessions shorter.
 */
const CHECKPOINT_MS = 5 * 60_000

export interface UsageLedgerOptions {
  /** The kiosk's time zone (`settings.schedule.timeZone`; empty for this computer's), read at each use. */
  timeZone: () => string
  /** Credits per minute (`settings.usage.rates`), fixed for a session when it starts. */
  rates: () => CreditRates
  now?: () => number
  coalesceMs?: number
  checkpointMs?: number
}

export interface SessionStart {
  kind: ProviderKind
  mode?: LiveAvatarMode
  sandbox: boolean
}

/**
 * Main's record of what the kiosk used: a record per provider session and counters per local day, in
 * `usage-ledger.json` next to the session ledger. Writes are atomic; a damaged file is kept aside and the
 * ledger starts over, since a lost tally must never keep the kiosk from starting. Failed writes are logged.
 */
export class UsageLedger {
  private file: UsageFile = emptyUsageFile()
  private readonly writer: SerialFileWriter
  private readonly now: () => number
  private readonly coalesceMs: number
  private readonly checkpointMs: number
  private pendingWrite: NodeJS.Timeout | undefined
  private checkpoint: NodeJS.Timeout | undefined
  private lastWrite: Promise<void> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly log: Logger,
    private readonly options: UsageLedgerOptions,
  ) {
    this.writer = new SerialFileWriter(path)
    this.now = options.now ?? Date.now
    this.coalesceMs = options.coalesceMs ?? COALESCE_MS
    this.checkpointMs = options.checkpointMs ?? CHECKPOINT_MS
  }

  /**
   * Reads the file, counting the sessions a dead run left open up to its last write. Returns a notice for the
   * admin panel when the file was damaged and set aside.
   */
  async load(): Promise<Notice | undefined> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.error('usage ledger unreadable; counting from zero', { error })
      return undefined
    }
    const parsed = UsageFileSchema.safeParse(parseJsonOrUndefined(text))
    if (!parsed.success) {
      let backup: string | undefined
      try {
        backup = backupFile(this.path, 'corrupt')
      } catch (error) {
        this.log.error('usage ledger damaged and not kept aside', { error })
      }
      this.log.error('usage ledger damaged; kept aside and started over', { backup })
      this.file = emptyUsageFile()
      await this.writeNow()
      return {
        level: 'warning',
        message: 'The usage figures were damaged and have been restarted; the old file was kept aside.',
      }
    }
    this.file = parsed.data
    const lost = closeLeftoverSessions(this.file, this.timeZone())
    if (lost > 0) {
      this.log.warn('usage: sessions left open by the last run counted up to its last write', { lost })
      await this.writeNow()
    }
    return undefined
  }

  sessionStarted(id: string, start: SessionStart): void {
    if (this.file.open.some((session) => session.id === id)) return
    const startedAt = this.now()
    this.file.open.push({
      id,
      kind: start.kind,
      ...(start.kind === 'liveavatar' && start.mode !== undefined ? { mode: start.mode } : {}),
      sandbox: start.sandbox,
      startedAt,
      ratePerMinute: ratePerMinute(this.options.rates(), start),
    })
    countSessionStart(this.file, localDay(startedAt, this.timeZone()))
    // On disk at once, like its end: a session that dies with the kiosk is still counted at the next start.
    void this.writeNow()
    this.checkpoint ??= setInterval(() => void this.writeNow(), this.checkpointMs).unref()
  }

  /** Resolves once the end is on disk: a session's minutes are what the operator pays for. */
  sessionEnded(id: string, endedBy: SessionEnd): Promise<void> {
    const index = this.file.open.findIndex((session) => session.id === id)
    if (index < 0) return this.lastWrite
    const [session] = this.file.open.splice(index, 1)
    if (session) countSessionEnd(this.file, session, this.now(), endedBy, this.timeZone())
    if (this.file.open.length === 0) {
      clearInterval(this.checkpoint)
      this.checkpoint = undefined
    }
    return this.writeNow()
  }

  record(event: UsageEvent, errorKind?: string): void {
    countEvent(this.file, localDay(this.now(), this.timeZone()), event, errorKind)
    this.scheduleWrite()
  }

  /** Main's own counts of the answers (speculative ones and those discarded); coalesced like `record`. */
  countAnswer(kind: AnswerCount): void {
    countAnswer(this.file, localDay(this.now(), this.timeZone()), kind)
    this.scheduleWrite()
  }

  report(days: number): UsageReport {
    return buildReport(this.file, { days, now: this.now(), timeZone: this.timeZone() })
  }

  budget(dailyMinutes: number): BudgetStatus {
    return budgetStatus(this.file, { dailyMinutes, now: this.now(), timeZone: this.timeZone() })
  }

  /** Writes what is pending now; resolves when it is on disk (or the failure is logged). */
  flush(): Promise<void> {
    return this.pendingWrite ? this.writeNow() : this.lastWrite
  }

  /** Shutdown, after the sessions were stopped: writes the last counts and stops the timers. */
  async close(): Promise<void> {
    clearInterval(this.checkpoint)
    this.checkpoint = undefined
    // Nothing counted, nothing written: a kiosk that never ran a session leaves no file behind.
    if (this.pendingWrite || this.file.open.length > 0) await this.writeNow()
    else await this.lastWrite
  }

  private timeZone(): string {
    return this.options.timeZone()
  }

  private scheduleWrite(): void {
    this.pendingWrite ??= setTimeout(() => void this.writeNow(), this.coalesceMs).unref()
  }

  private writeNow(): Promise<void> {
    clearTimeout(this.pendingWrite)
    this.pendingWrite = undefined
    this.file.savedAt = this.now()
    trimUsageFile(this.file)
    this.lastWrite = this.writer.write(JSON.stringify(this.file)).catch((error: unknown) => {
      this.log.error('usage ledger not written', { error })
    })
    return this.lastWrite
  }
}
