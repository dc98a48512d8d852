import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The web host's data folder: `--data-dir` when given, else one under the user's config folder. */
export function webHostDataDir(argument: string | undefined): string {
  return resolve(argument ?? join(homedir(), '.config', 'avatar-kiosk', 'web-host'))
}
