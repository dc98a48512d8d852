import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Replaces `path` with `content` so that a crash or power cut leaves either the old file or the new one, never a
 * torn one: the bytes are written to a temporary file next to it, synced to disk, then renamed over the target
 * (and the folder synced, so the rename itself survives). A failed write removes its temporary file.
 */
export async function writeFileAtomic(
  path: string,
  content: string,
  options: { mode?: number } = {},
): Promise<void> {
  const folder = dirname(path)
  await mkdir(folder, { recursive: true })
  const mode = options.mode ?? 0o600
  // A random suffix: two stores in one process (or a retry after a failure) never share a temporary file.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const handle = await open(temporary, 'w', mode)
    try {
      await handle.writeFile(content, 'utf8')
      // The umask can narrow `mode` on create but never widens it; chmod makes the intended mode exact.
      await handle.chmod(mode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined)
    throw error
  }
  await syncFolder(folder)
}

/** Best effort: some platforms (Windows) and file systems cannot open a folder for syncing. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // The data is already synced; only the rename's durability is left to the file system.
  }
}

/**
 * Atomic writes to one file, one at a time, so two quick updates cannot interleave and lose one another. The
 * queue never stays rejected: each caller sees its own write's failure, and the next write still runs.
 */
export class SerialFileWriter {
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly mode = 0o600,
  ) {}

  write(content: string): Promise<void> {
    const write = this.chain.then(() => writeFileAtomic(this.path, content, { mode: this.mode }))
    this.chain = write.catch(() => undefined)
    return write
  }
}

/** A stored JSON file's content, or undefined when it is not JSON (the caller's schema then reports it). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
