import type { Notice, SettingsView } from '../../shared/contract'
import type { BridgeHandlers } from '../bridge/dispatch'
import type { BridgeEventHub } from '../bridge/events'
import type { AdminAccess } from './admin-access'
import type { AutostartControl } from './autostart'
import type { ConversationService } from './conversation/conversation-service'
import type { DiagnosticsService } from './diagnostics/diagnostics-service'
import type { Logger } from './logger'
import type { ProviderAccess } from './provider-access'
import type { MediaLibrary } from './media-library'
import type { SecretStore } from './secrets'
import type { SessionRegistry } from './session-registry'
import type { SettingsService } from './settings'
import type { UsageLedger } from './usage/usage-ledger'
import { assertSessionAllowed } from './usage/session-gate'

export interface BridgeServices {
  settings: SettingsService
  secrets: SecretStore
  admin: AdminAccess
  provider: ProviderAccess
  events: BridgeEventHub
  sessions: SessionRegistry
  media: MediaLibrary
  /** Our-own-LLM mode: speech-to-text, streamed answers and each visitor's history. */
  conversation: ConversationService
  /** Sessions, minutes and visitor events per day; the daily budget is checked against it. */
  usage: UsageLedger
  /** The admin panel's "Check this kiosk" checks that need the keys, the disk and the runtime. */
  diagnostics: DiagnosticsService
  /** Starting the kiosk with the computer, as far as this host can. */
  autostart: AutostartControl
  log: Logger
  /** Lines the renderer asks us to log; kept apart so they are recognisable in the file. */
  rendererLog: Logger
  /** Start-up findings the admin panel should show (a reset settings file, a damaged secrets file). */
  notices: readonly Notice[]
}

export async function buildSettingsView(services: BridgeServices): Promise<SettingsView> {
  const { settings, secrets, admin, provider } = services
  return {
    settings: settings.get(),
    secrets: {
      providerApiKey: secrets.has('providerApiKey'),
      llmApiKey: secrets.has('llmApiKey'),
      adminPin: admin.hasPin(),
    },
    secretProtection: await secrets.protection(),
    provider: provider.status(),
    admin: { locked: admin.isLocked() },
    notices: [...services.notices],
  }
}

/** The main-process side of every bridge call. Hosts differ only in transport, never in these handlers. */
export function createBridgeHandlers(services: BridgeServices): BridgeHandlers {
  const { settings, secrets, admin, provider, events, sessions, conversation, rendererLog } = services

  const viewAfterChange = async (): Promise<SettingsView> => {
    const view = await buildSettingsView(services)
    events.emit('settingsChanged', view)
    return view
  }

  return {
    getSettings: () => buildSettingsView(services),
    updateSettings: async (patch) => {
      admin.assertUnlocked()
      settings.update(patch)
      return viewAfterChange()
    },
    setSecret: async ({ name, value }) => {
      admin.assertUnlocked()
      await secrets.set(name, value)
      services.log.info('secret stored', { name })
      return viewAfterChange()
    },
    clearSecret: async ({ name }) => {
      admin.assertUnlocked()
      await secrets.clear(name)
      services.log.info('secret cleared', { name })
      return viewAfterChange()
    },
    setAdminPin: async ({ pin }) => {
      await admin.setPin(pin)
      services.log.info('admin PIN changed')
      return viewAfterChange()
    },
    unlockAdmin: async ({ pin }) => {
      const result = await admin.unlock(pin)
      services.log.info(result.unlocked ? 'admin unlocked' : 'admin unlock refused', {
        retryAfterMs: result.retryAfterMs,
      })
      return result
    },
    lockAdmin: () => {
      admin.lock()
      return null
    },
    mintSessionToken: async (_request, { clientId }) => {
      assertSessionAllowed(settings.get(), services.usage, new Date())
      const { token, sessionId } = await provider.mintSessionToken()
      const lease = await sessions.issue(clientId, {
        kind: token.kind,
        baseUrl: token.baseUrl,
        token: token.token,
        sandbox: token.sandbox,
        ...(sessionId !== undefined ? { sessionId } : {}),
        ...(token.kind === 'liveavatar' ? { mode: token.mode } : {}),
      })
      return { ...token, lease }
    },
    reportSession: ({ lease, sessionId, state }, { clientId }) => {
      sessions.report(clientId, lease, sessionId, state)
      return null
    },
    transcribe: (utterance, { clientId }) => conversation.transcribe(clientId, utterance),
    // Returns before the answer: its text, or its failure, arrives as answerStream events for this client.
    askAssistant: ({ requestId, text, speculative }, { clientId }) => {
      conversation.ask(clientId, requestId, text, { speculative: speculative === true })
      return null
    },
    // The visitor's turn is over: the speculative answer joins the history (a stale id is a no-op).
    commitAnswer: ({ requestId }, { clientId }) => {
      conversation.commit(clientId, requestId)
      return null
    },
    cancelAnswer: ({ requestId }, { clientId }) => {
      conversation.cancel(clientId, requestId)
      return null
    },
    synthesizeSpeech: ({ requestId, text }, { clientId }) =>
      conversation.synthesizeSpeech(clientId, requestId, text),
    // Fetched with the provider key and shows what the account owns: for the operator only.
    listCatalog: async ({ kind }) => {
      admin.assertUnlocked()
      return { items: await provider.listCatalog(kind) }
    },
    endConversation: (_request, { clientId }) => {
      conversation.forget(clientId)
      return null
    },
    reloadPage: (_request, { reloadPage }) => {
      if (!reloadPage) return { reloadedBy: 'page' }
      reloadPage()
      return { reloadedBy: 'host' }
    },
    listBackgrounds: async () => ({
      files: await services.media.listBackgrounds(),
      folder: services.media.operatorFolder,
    }),
    // A visitor-side count (wake, visitor, conversation, reconnect, error kind); never any words.
    recordUsage: ({ event, errorKind }) => {
      services.usage.record(event, errorKind)
      return null
    },
    // Counts only, no transcripts: harmless to read, and the renderer's budget gate needs it while locked.
    getUsage: ({ days }) => ({
      report: services.usage.report(days),
      budget: services.usage.budget(settings.get().budget.dailyMinutes),
    }),
    // Sends the keys (status and latency come back, nothing else): for the operator only.
    runDiagnostics: async () => {
      admin.assertUnlocked()
      return { checks: await services.diagnostics.run() }
    },
    getAutostart: () => services.autostart.state(),
    // Changes what the computer runs at log-in: for the operator only.
    setAutostart: async ({ enabled }) => {
      admin.assertUnlocked()
      const state = await services.autostart.setEnabled(enabled)
      services.log.info('autostart changed', { enabled: state.enabled, mechanism: state.mechanism })
      return state
    },
    log: ({ level, message, context }) => {
      rendererLog[level](message, context)
      return null
    },
  }
}
