import { dirname, join } from 'node:path'
import type { Notice } from '../shared/contract'
import { createDispatcher, type Dispatch } from './bridge/dispatch'
import { BridgeEventHub } from './bridge/events'
import { AdminAccess } from './services/admin-access'
import { ADMIN_PIN_FILE, AdminPinStore } from './services/admin-pin-store'
import { manualAutostart, NO_AUTOSTART_INSTRUCTIONS, type AutostartControl } from './services/autostart'
import { loadSecretsAndPin } from './services/secrets-startup'
import { createBridgeHandlers, type BridgeServices } from './services/bridge-handlers'
import { ConversationService } from './services/conversation/conversation-service'
import { DiagnosticsService } from './services/diagnostics/diagnostics-service'
import type { JsonDocument } from './services/json-document'
import { createLogger, type LogSink, type Logger } from './services/logger'
import { MediaLibrary } from './services/media-library'
import { ProviderAccess, type SandboxProvider } from './services/provider-access'
import { SecretStore, type SecretCipher } from './services/secrets'
import { SessionLedger } from './services/session-ledger'
import { SessionRegistry, type LeftoverSweep } from './services/session-registry'
import { SettingsService } from './services/settings'
import { UsageLedger } from './services/usage/usage-ledger'
import { USAGE_LEDGER_FILE } from './services/usage/usage-model'

/** What differs between the Electron shell and the web host; everything else is shared. */
export interface HostAdapters {
  settingsDocument: JsonDocument
  secretsFile: string
  /** Lists the provider sessions this kiosk started until they are stopped, across crashes and power cuts. */
  sessionLedgerFile: string
  secretCipher: SecretCipher
  logSink: LogSink
  /** The operator's background files, and the samples shipped with the app. */
  backgroundsDir: string
  sampleBackgroundsDir: string
  sandbox?: SandboxProvider
  /** Starting with the computer; a host without a way to do it (the web host) says what to do instead. */
  autostart?: AutostartControl
}

export interface AppServices extends BridgeServices {
  dispatch: Dispatch
  /** Logger for host code (window, server) with the same redaction as the services. */
  hostLog(scope: string): Logger
  /**
   * The start-up stop of the sessions a crashed or killed run left open: resolves when every one is settled
   * or the retries gave up (also logged as "leftover sessions swept").
   */
  leftoverSessionsSwept: Promise<LeftoverSweep>
  close(): Promise<void>
}

export async function createAppServices(adapters: HostAdapters): Promise<AppServices> {
  const secrets = new SecretStore(adapters.secretsFile, adapters.secretCipher)
  const knownSecrets = () => secrets.knownValues()
  const hostLog = (scope: string) => createLogger(adapters.logSink, knownSecrets, scope)
  const log = hostLog('main')
  const notices: Notice[] = []

  const pins = new AdminPinStore(join(dirname(adapters.secretsFile), ADMIN_PIN_FILE))
  notices.push(...(await loadSecretsAndPin(secrets, pins, adapters.secretsFile, log)))

  const settings = new SettingsService(adapters.settingsDocument, log)
  notices.push(...settings.notices)
  const admin = new AdminAccess(pins, secrets)
  const events = new BridgeEventHub()
  const provider = new ProviderAccess(settings, secrets, log, adapters.sandbox)
  // Next to the session ledger, in the host's data folder.
  const usage = new UsageLedger(
    join(dirname(adapters.sessionLedgerFile), USAGE_LEDGER_FILE),
    hostLog('usage'),
    {
      timeZone: () => settings.get().schedule.timeZone,
      rates: () => settings.get().usage.rates,
    },
  )
  const usageNotice = await usage.load()
  if (usageNotice) notices.push(usageNotice)
  const sessions = new SessionRegistry(hostLog('sessions'), {
    observer: usage,
    apiKeyFor: (sandbox) => provider.apiKeyFor(sandbox),
    ledger: new SessionLedger(adapters.sessionLedgerFile, hostLog('sessions')),
  })
  // Read before the first token is minted; the stops then run in the background, retrying while offline.
  await sessions.loadLedger()
  const leftoverSessionsSwept = sessions.stopLeftovers()
  const media = new MediaLibrary(adapters.backgroundsDir, adapters.sampleBackgroundsDir)
  const conversation = new ConversationService({
    settings,
    secrets,
    events,
    log: hostLog('conversation'),
    count: (kind) => usage.countAnswer(kind),
  })
  const services: BridgeServices = {
    settings,
    secrets,
    admin,
    provider,
    events,
    sessions,
    media,
    conversation,
    usage,
    diagnostics: new DiagnosticsService({
      settings,
      secrets,
      provider,
      log: hostLog('diagnostics'),
      dataDir: dirname(adapters.secretsFile),
    }),
    log,
    autostart: adapters.autostart ?? manualAutostart(NO_AUTOSTART_INSTRUCTIONS),
    rendererLog: hostLog('renderer'),
    notices,
  }
  const dispatch = createDispatcher(createBridgeHandlers(services), log)

  return {
    ...services,
    dispatch,
    hostLog,
    leftoverSessionsSwept,
    /** Stops every provider session still open (each costs money), then releases the services. */
    async close() {
      conversation.close()
      const stopped = await sessions.stopAll('shutdown')
      await usage.close()
      await provider.close()
      log.info('services closed', { sessionsStopped: stopped })
    },
  }
}
