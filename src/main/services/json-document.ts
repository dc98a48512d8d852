import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { basename } from 'node:path'
import { backupPath, pruneBackups } from './backup-pruning'

/** A JSON document persisted somewhere: electron-store in Electron, `conf` under plain Node. */
export interface JsonDocument {
  readonly path: string
  /** Throws `UnreadableDocumentError` when the file exists but is not JSON. */
  read(): unknown
  write(data: Record<string, unknown>): void
}

export class UnreadableDocumentError extends Error {
  constructor(path: string, cause: unknown) {
    super(`${basename(path)} is not valid JSON`, { cause })
    this.name = 'UnreadableDocumentError'
  }
}

/**
 * The part of `Conf` / `electron-store` we rely on: both share this API, so both hosts use one adapter. Conf
 * writes through `atomically` (temporary file, fsync, rename, temporary removed on error), the same guarantees
 * `writeFileAtomic` gives the files we write ourselves; only under `SNAP` does it write in place.
 */
export interface ConfLike {
  readonly path: string
  store: Record<string, unknown>
}

/**
 * Adapts a Conf-style store. Construction is deferred because both libraries parse the file in their
 * constructor and throw on a corrupt one; the settings service must see that as "unreadable", back the file
 * up, and start over.
 */
export function confDocument(path: string, create: () => ConfLike): JsonDocument {
  let conf: ConfLike | undefined
  const open = (): ConfLike => {
    try {
      conf ??= create()
      return conf
    } catch (error) {
      if (error instanceof SyntaxError) throw new UnreadableDocumentError(path, error)
      throw error
    }
  }
  return {
    path,
    read() {
      const store = open()
      try {
        return store.store
      } catch (error) {
        if (error instanceof SyntaxError) throw new UnreadableDocumentError(path, error)
        throw error
      }
    },
    write(data) {
      if (conf === undefined) {
        // A write replaces the whole document, so an unreadable file (already backed up) can go.
        try {
          open()
        } catch (error) {
          if (!(error instanceof UnreadableDocumentError)) throw error
          rmSync(path, { force: true })
        }
      }
      open().store = data
    },
  }
}

/**
 * Keeps a copy of a file we are about to replace, next to it, and returns where. Only the newest few copies per
 * file and reason are kept (`pruneBackups`).
 */
export function backupFile(path: string, reason: string, now: Date = new Date()): string | undefined {
  if (!existsSync(path)) return undefined
  const target = backupPath(path, reason, now)
  copyFileSync(path, target)
  pruneBackups(path, reason)
  return target
}
