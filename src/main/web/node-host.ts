import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Conf from 'conf'
import log from 'electron-log/node'
import type { HostAdapters } from '../app-services'
import { confDocument } from '../services/json-document'
import type { LogSink } from '../services/logger'
import { filePermissionsOnlyCipher } from '../services/secrets'
import { SESSION_LEDGER_FILE } from '../services/session-ledger'

/**
 * File logging through electron-log's Node build, mirrored to stderr: stdout is reserved for the one JSON
 * ready line that scripts and tests read.
 */
export function createNodeLogSink(dataDir: string, mirrorToStderr: boolean): LogSink {
  log.transports.file.resolvePathFn = () => join(dataDir, 'logs', 'main.log')
  log.transports.file.level = 'info'
  log.transports.console.level = false
  return (level, line) => {
    log[level](line)
    if (mirrorToStderr && level !== 'debug') process.stderr.write(`${level}: ${line}\n`)
  }
}

/** The web host's stores: `conf` (the library under electron-store) and a 0600 secrets file. */
/**
 * The web host runs from the repository (source under tests, bundled in `out/` otherwise): find its
 * `resources/` by walking up to the folder with package.json, wherever this module ended up.
 */
export function repositoryResource(...parts: string[]): string {
  let dir = import.meta.dirname
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return join(dir, 'resources', ...parts)
}

export function nodeHostAdapters(dataDir: string, logSink: LogSink): HostAdapters {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const settingsDocument = confDocument(
    join(dataDir, 'settings.json'),
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dataDir,
        configName: 'settings',
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
      }),
  )
  return {
    settingsDocument,
    secretsFile: join(dataDir, 'secrets.json'),
    sessionLedgerFile: join(dataDir, SESSION_LEDGER_FILE),
    secretCipher: filePermissionsOnlyCipher,
    logSink,
    backgroundsDir: join(dataDir, 'backgrounds'),
    sampleBackgroundsDir: repositoryResource('backgrounds'),
  }
}
