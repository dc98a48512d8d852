import Conf from 'conf'
import { join } from 'node:path'
import { confDocument, type JsonDocument } from '../../../src/main/services/json-document'

/** The web host's real settings document (`conf`, as in node-host.ts) in `dir`; a fresh one re-reads the disk. */
export function settingsDocument(dir: string): JsonDocument {
  return confDocument(
    join(dir, 'settings.json'),
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: 'settings',
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
      }),
  )
}
