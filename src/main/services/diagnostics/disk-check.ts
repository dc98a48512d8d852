import { statfs } from 'node:fs/promises'
import type { DiagnosticCheck } from '../../../shared/diagnostics'
import { passLine, problemLine } from './check-line'

const ID = 'disk'
const LABEL = 'Free disk space'
const MB = 1024 * 1024
const GB = 1024 * MB
/** Below this the log, the settings backups and the usage record may soon fail to be written. */
export const DISK_FAIL_BELOW = 200 * MB
export const DISK_WARN_BELOW = 1 * GB

export type StatFs = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>

function readable(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.floor(bytes / MB)} MB`
}

/** Space left for the kiosk's own files (settings, logs, usage record), where they are kept. */
export async function checkDisk(dataDir: string, statfsImpl: StatFs = statfs): Promise<DiagnosticCheck> {
  let free: number
  try {
    const stats = await statfsImpl(dataDir)
    free = Number(stats.bavail) * Number(stats.bsize)
  } catch {
    return problemLine('warn', {
      id: ID,
      label: LABEL,
      detail: 'The free space of the data folder could not be read.',
      fix: 'Check that the kiosk’s data folder exists and this account may read it.',
    })
  }
  const detail = `${readable(free)} free for the kiosk’s data`
  if (free < DISK_FAIL_BELOW) {
    return problemLine('fail', {
      id: ID,
      label: LABEL,
      detail,
      fix: 'Free some disk space: logs and settings can no longer be saved safely.',
    })
  }
  if (free < DISK_WARN_BELOW) {
    return problemLine('warn', {
      id: ID,
      label: LABEL,
      detail,
      fix: 'Free some disk space soon (keep at least 1 GB).',
    })
  }
  return passLine(ID, LABEL, detail)
}
