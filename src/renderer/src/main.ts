import { z } from 'zod'
import type { CallRequest, SettingsView } from '../../shared/contract'
import { BridgeError } from '../../shared/result'
import { providerBaseUrl } from '../../shared/settings/schema'
import { isWithinOpeningHours, nextScheduleChange } from '../../shared/schedule/opening-hours'
import type { ScheduleSettings } from '../../shared/settings/operations'
import { AdminPanel } from './admin/admin-panel'
import { AttractScreen } from './attract/attract-screen'
import { CameraWatch } from './attract/camera-watch'
import { LiveNotices, type NoticeState } from './attract/notices'
import { PresenceController, type ScheduleGate } from './attract/presence-controller'
import { sessionUsageEvent } from './attract/session-usage'
import { startVoiceWake } from './attract/voice-wake'
import { WakeSources } from './attract/wake-sources'
import { installAdminGesture } from './admin/admin-gesture'
import { call, connectBridge } from './bridge'
import { Conversation } from './conversation/conversation'
import type { Log } from './log'
import { startFacePresence } from './presence/face-presence'
import { createLazyProvider } from './provider/lazy-provider'
import { browserNetworkStatus } from './session/network-status'
import { SessionController } from './session/session-controller'
import { startOptionsFromSettings } from './session/start-options'
import { AvatarStage } from './stage/avatar-stage'
import { ConversationOverlay } from './stage/conversation-overlay'
import { SessionStatus } from './stage/session-status'
import { StageView } from './stage/stage-view'
import { VisitorInput } from './stage/visitor-input'

// zod probes for `new Function` support on first use; our CSP forbids eval, so tell it not to try.
z.config({ jitless: true })

const bridge = connectBridge()
const view = new StageView()
const status = new SessionStatus(view)
const overlay = new ConversationOverlay()
/** Set when the page must reload to take a new provider's CSP; waits while an operator is in the panel. */
let reloadPending = false
const reloadIfPending = () => {
  if (reloadPending && !admin.isOpen) void reloadThroughHost()
}
/** Electron's navigation lock blocks `location.reload()`, so the host reloads the page where it can. */
async function reloadThroughHost(): Promise<void> {
  const answer = await call(bridge, 'reloadPage').catch(() => ({ reloadedBy: 'page' as const }))
  if (answer.reloadedBy === 'page') window.location.reload()
}
const TEST_SENTENCE = 'This is a test of the kiosk’s voice. If you can hear me, the speaker works.'
const admin = new AdminPanel(bridge, reloadIfPending, {
  // The diagnostics page's "say a test sentence": only a live avatar can speak it.
  sayTestSentence: async () => {
    if (controller.snapshot.state !== 'live') return false
    conversation.sayLine(TEST_SENTENCE)
    return true
  },
})
installAdminGesture(() => void admin.open())

const log: Log = (level, message, context) => {
  void bridge.log({ level, message, ...(context ? { context } : {}) })
}

let settingsView: SettingsView | undefined
let avatarStage: AvatarStage | undefined

const provider = createLazyProvider(log)
const controller = new SessionController({
  mintToken: async () => {
    const token = await call(bridge, 'mintSessionToken')
    performance.mark('kiosk:token')
    return token
  },
  // Only the token's provider SDK is loaded (its own chunk); `apply()` starts loading it with the settings.
  provider,
  startOptions: () => {
    if (!settingsView) throw new Error('Settings are not loaded yet')
    return startOptionsFromSettings(settingsView.settings)
  },
  reportSession: (lease, sessionId, state) => void bridge.reportSession({ lease, sessionId, state }),
  log,
  network: browserNetworkStatus(),
})

const input = new VisitorInput(
  document.getElementById('stage') as HTMLElement,
  (text) => conversation.submitText(text),
  (event) => conversation.onMicrophoneButton(event),
)
const conversation = new Conversation({
  bridge,
  overlay,
  input,
  noteVisitorActivity: () => {
    controller.noteVisitorActivity()
    presence.activity()
  },
  onVisitorSpoke: () => presence.visitorSpoke(),
  onAnswered: () => recordUsage({ event: 'conversation' }),
  log,
})

function recordUsage(request: CallRequest<'recordUsage'>): void {
  call(bridge, 'recordUsage', request).catch((error: unknown) =>
    log('warn', 'usage not recorded', { event: request.event, error: String(error) }),
  )
}

function scheduleGate(schedule: ScheduleSettings | undefined): ScheduleGate {
  if (!schedule) return { isOpen: () => true, nextChange: () => undefined }
  return {
    isOpen: (at) => isWithinOpeningHours(schedule, at),
    nextChange: (at) => nextScheduleChange(schedule, at),
  }
}

const attractRoot = document.getElementById('attract-root') as HTMLElement
const attractScreen = new AttractScreen(attractRoot, {
  resolveMediaUrl: (name) => `./media/backgrounds/${encodeURIComponent(name)}`,
})
const liveNotices = new LiveNotices(document.getElementById('stage') as HTMLElement)
/**
 * The AI notice and privacy line in the stage's corner. Both modes listen to the visitor while on stage; the
 * camera watch keeps looking while live whenever camera wake is on.
 */
function updateLiveNotices(state: NoticeState): void {
  if (!settingsView) return
  const { attract } = settingsView.settings
  const cameraInUse = attract.enabled && attract.wake.camera
  liveNotices.update({ state, settings: settingsView.settings, micInUse: true, cameraInUse })
}
const wakeSources = new WakeSources({
  startVoice: (onPresence) =>
    startVoiceWake({
      threshold: settingsView?.settings.conversation.vadThreshold ?? 0,
      onSpeechStart: onPresence,
      onProblem: (error) => log('warn', 'voice wake did not stop cleanly', { error: String(error) }),
    }),
  onWake: (source) => presence.wake(source),
  log,
})
const cameraWatch = new CameraWatch({
  start: startFacePresence,
  onSeen: () => presence.wake('camera'),
  onFace: () => presence.activity(),
  log,
})
/** When a session should exist: attract mode, opening hours and the daily budget decide. */
const presence = new PresenceController({
  startSession: () => controller.start('wake'),
  stopSession: (reason) => controller.stop(reason),
  say: (text) => conversation.sayLine(text),
  clearMemory: () => conversation.forget(),
  showScreen: (kind) => {
    if (settingsView) attractScreen.show(kind, settingsView.settings)
  },
  hideScreen: () => attractScreen.hide(),
  armWakeSources: (wake) => wakeSources.arm(wake),
  disarmWakeSources: () => wakeSources.disarm(),
  // Fetch and parse the SDK now, so a wake spends its time on the token and the connection only.
  prepareWake: () => {
    if (settingsView) provider.preload(settingsView.provider.providerKind)
  },
  recordUsage: (event) => recordUsage({ event }),
  budgetReached: async () => {
    try {
      return (await call(bridge, 'getUsage', { days: 1 })).budget.reached
    } catch {
      // A main without a usage ledger (or a failing one) has no cap to enforce; it still refuses to mint.
      return false
    }
  },
  schedule: () => scheduleGate(settingsView?.settings.schedule),
  onStateChange: (state) => {
    document.documentElement.dataset.presenceState = state
    updateLiveNotices(state)
  },
  mark: (name) => performance.mark(name),
})
attractRoot.addEventListener('pointerdown', () => presence.wake('touch'), { passive: true })

let previousState = controller.snapshot.state
let previousSnapshot = controller.snapshot
/** Why the last drop happened: a planned rotation that comes back live is not a reconnect. */
let droppedReason: string | undefined
controller.subscribe((snapshot) => {
  if (snapshot.state === 'reconnecting' && previousSnapshot.state === 'live') droppedReason = snapshot.reason
  const usage = sessionUsageEvent(previousSnapshot, snapshot, droppedReason)
  if (usage) recordUsage(usage)
  previousSnapshot = snapshot
  if (snapshot.reason === 'kiosk-closed' || snapshot.reason === 'budget-reached') {
    // Main refused the token: the kiosk is closed or out of budget, which the screen says; no retries.
    if (snapshot.state === 'reconnecting' || snapshot.state === 'failed')
      presence.sessionRefused(snapshot.reason)
  }
  presence.sessionStateChanged(snapshot.state)
  view.setSessionState(snapshot.state, snapshot.sessionId)
  status.render(snapshot)
  const session = controller.session
  if (snapshot.state === 'live' && session) {
    performance.mark('kiosk:live')
    void avatarStage?.show(session.stream)
    // A fresh start greets the visitor; a reconnect or rotation in mid-conversation does not.
    void conversation.onLive(session, previousState === 'connecting')
  } else if (snapshot.state === 'idle') {
    avatarStage?.clear()
    overlay.reset()
    view.setBadge('quality', undefined)
    conversation.onNotLive(true)
  } else {
    if (snapshot.state === 'reconnecting' && previousState === 'live') performance.mark('kiosk:dropped')
    avatarStage?.hold()
    conversation.onNotLive(false)
  }
  previousState = snapshot.state
})

controller.onSessionEvent((name, payload) => {
  if (name === 'avatarStartTalking' || name === 'avatarStopTalking')
    presence.avatarTalkingChanged(name === 'avatarStartTalking')
  if (name === 'userTalkingMessage') presence.activity()
  overlay.handle(name, payload)
  conversation.onSessionEvent(name, payload)
  if (name === 'connectionQuality') showConnectionQuality((payload as { quality: string }).quality)
})

function showConnectionQuality(quality: string): void {
  const visible = settingsView?.settings.display.showConnectionQuality !== false && quality !== 'UNKNOWN'
  view.setBadge(
    'quality',
    visible ? `Connection: ${quality.toLowerCase()}` : undefined,
    quality === 'BAD' ? 'warning' : 'info',
  )
}

/** What a running session was started with; a change to any of it needs a fresh session. */
function sessionInputs(settings: SettingsView): string {
  return JSON.stringify([
    settings.provider,
    settings.secrets.providerApiKey,
    settings.settings.provider,
    settings.settings.avatar,
    settings.settings.conversation.mode,
  ])
}

/**
 * The provider the page's CSP was built for: its protocol and API origin. An empty base URL means the kind's
 * default, so a kind change with the URL left empty is a change too.
 */
function providerIdentity(settings: SettingsView): string {
  const url = settings.provider.baseUrl || providerBaseUrl(settings.settings.provider)
  let origin: string
  try {
    origin = new URL(url).origin
  } catch {
    origin = url
  }
  return `${settings.provider.providerKind} ${origin}`
}

function sandboxBadge(next: SettingsView): string | undefined {
  const liveAvatar = next.provider.providerKind === 'liveavatar'
  if (next.provider.kind === 'sandbox')
    return `Sandbox avatar: add your ${liveAvatar ? 'LiveAvatar' : 'HeyGen'} key in settings`
  if (liveAvatar && next.settings.provider.liveavatar.sandbox)
    return 'LiveAvatar test sessions: about a minute each, one avatar'
  return undefined
}

function apply(next: SettingsView): void {
  const previous = settingsView
  settingsView = next
  const { display, session } = next.settings
  // Fetch and parse the SDK while main mints the first token.
  provider.preload(next.provider.providerKind)
  view.setBadge('sandbox', sandboxBadge(next))
  overlay.apply(display)
  conversation.applySettings(next.settings)
  if (avatarStage) {
    avatarStage.applyDisplay(display)
    avatarStage.setStallSeconds(session.stallSeconds)
  } else {
    avatarStage = new AvatarStage({
      media: view.media,
      background: view.background,
      display,
      stallSeconds: session.stallSeconds,
      onStall: () => controller.reportProblem('video stalled'),
      resolveBackgroundUrl: (name) => `./media/backgrounds/${encodeURIComponent(name)}`,
      log,
    })
  }
  if (previous && providerIdentity(previous) !== providerIdentity(next)) {
    // The page's CSP names the provider it was loaded for; another provider needs a page with a new CSP.
    reloadPending = true
    void controller.stop('provider changed').finally(reloadIfPending)
    return
  }
  presence.apply(next.settings.attract)
  cameraWatch.setEnabled(next.settings.attract.enabled && next.settings.attract.wake.camera)
  const asleep = presence.state
  updateLiveNotices(asleep)
  if (previous && (asleep === 'attract' || asleep === 'closed' || asleep === 'budget'))
    attractScreen.show(asleep, next.settings)
  if (previous && JSON.stringify(previous.settings.schedule) !== JSON.stringify(next.settings.schedule))
    presence.scheduleChanged()
  // Asleep there is no session to restart; the next wake starts one with the new settings.
  const awake = presence.state === 'waking' || presence.state === 'live'
  if (previous && awake && sessionInputs(previous) !== sessionInputs(next))
    void controller.restart('settings changed')
}

bridge.onSettingsChanged((next) => {
  apply(next)
  admin.update(next)
})

// A tap on the stage is a visitor who is engaged, and interrupts the avatar if it is speaking.
document.getElementById('stage')?.addEventListener(
  'pointerdown',
  (event) => {
    if (admin.isOpen || input.contains(event.target)) return
    conversation.tap()
  },
  { passive: true },
)
window.addEventListener('pagehide', () => void controller.stop('page closing'))

async function boot(): Promise<void> {
  try {
    apply(await call(bridge, 'getSettings'))
  } catch (error) {
    const message = error instanceof BridgeError ? error.message : 'The kiosk could not start.'
    view.showStatus('error', 'Please wait', message)
    setTimeout(() => void boot(), 3000)
  }
}

void boot()
