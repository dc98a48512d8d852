import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createElectronLogSink,
  electronHostAdapters,
  safeStorageCipher,
} from '../../../src/main/electron/electron-host'

const host = vi.hoisted(() => ({
  storeOptions: [] as Record<string, unknown>[],
  logged: [] as [string, string][],
  app: {
    isPackaged: true,
    getPath: (name: string) => `/home/kiosk/.config/Avatar Kiosk/${name}-dir`,
    getAppPath: () => '/opt/avatar-kiosk/resources/app.asar',
  },
  log: {
    transports: { file: { level: undefined as unknown }, console: { level: undefined as unknown } },
    info: (line: string) => host.logged.push(['info', line]),
    warn: (line: string) => host.logged.push(['warn', line]),
    error: (line: string) => host.logged.push(['error', line]),
    debug: (line: string) => host.logged.push(['debug', line]),
  },
}))

vi.mock('electron', () => ({ app: host.app, safeStorage: {} }))
vi.mock('electron-log/main', () => ({ default: host.log }))
vi.mock('electron-store', () => ({
  default: class {
    readonly path = '/unused'
    store = {}
    constructor(options: Record<string, unknown>) {
      host.storeOptions.push(options)
    }
  },
}))

beforeAll(() => {
  // Set by Electron in packaged apps; plain Node has no such property.
  Object.defineProperty(process, 'resourcesPath', {
    value: '/opt/avatar-kiosk/resources',
    configurable: true,
  })
})

afterAll(() => {
  Reflect.deleteProperty(process, 'resourcesPath')
})

describe('electronHostAdapters', () => {
  it('keeps settings and secrets under userData, with the safeStorage cipher', () => {
    const adapters = electronHostAdapters(() => {})
    expect(adapters.settingsDocument.path).toBe('/home/kiosk/.config/Avatar Kiosk/userData-dir/settings.json')
    expect(adapters.secretsFile).toBe('/home/kiosk/.config/Avatar Kiosk/userData-dir/secrets.json')
    expect(adapters.secretCipher).toBe(safeStorageCipher)
  })

  it('opens electron-store lazily and never lets it wipe an invalid file', () => {
    host.storeOptions.length = 0
    const adapters = electronHostAdapters(() => {})
    expect(host.storeOptions).toHaveLength(0)
    adapters.settingsDocument.read()
    expect(host.storeOptions).toEqual([
      {
        name: 'settings',
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
      },
    ])
  })
})

describe('createElectronLogSink', () => {
  it('logs to file and silences the console in packaged builds', () => {
    const sink = createElectronLogSink()
    expect(host.log.transports.file.level).toBe('info')
    expect(host.log.transports.console.level).toBe(false)
    sink('warn', 'hello')
    expect(host.logged).toContainEqual(['warn', 'hello'])
  })
})
