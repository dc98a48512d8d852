import { app, type BrowserWindow, type RenderProcessGoneDetails } from 'electron'
import { backoffDelay, type BackoffOptions } from '../../shared/backoff'
import { EXIT_CODES } from '../exit-codes'
import type { Logger } from '../services/logger'

export interface CrashRecoveryOptions {
  /** Wait before reload number n (1 = the first crash in a row); no jitter, one kiosk reloads only itself. */
  backoff: BackoffOptions
  /** A hung page gets this long to answer again (`responsive`) before it is reloaded. */
  unresponsiveGraceMs: number
  /** After this long without a crash or hang, the next one starts the backoff from the beginning again. */
  stableResetMs: number
  /** This many reloads inside `failureWindowMs` and a reload is not enough: the whole app restarts. */
  maxFailures: number
  failureWindowMs: number
}

export const DEFAULT_CRASH_RECOVERY: CrashRecoveryOptions = {
  backoff: { baseMs: 1000, factor: 2, capMs: 60_000, jitter: 0 },
  unresponsiveGraceMs: 5000,
  stableResetMs: 5 * 60_000,
  maxFailures: 5,
  failureWindowMs: 10 * 60_000,
}

export interface CrashRecoveryHooks {
  /** `app.relaunch()` then `app.exit(EXIT_CODES.relaunch)`: the last resort. */
  relaunch(): void
  now?: () => number
}

type WatchedWindow = Pick<BrowserWindow, 'on' | 'webContents' | 'isDestroyed'>

/**
 * A kiosk nobody watches must heal itself: a renderer that crashes or hangs is reloaded, waiting 1 s, 2 s, 4 s …
 * up to a minute after each failure in a row; when reloads keep failing, the app relaunches. A renderer that
 * exits cleanly (`clean-exit`, e.g. while the window closes) is left alone. Stopping the sessions the page had
 * open is page-lifecycle's job, which listens to the same events.
 */
export function recoverFromRendererCrashes(
  window: WatchedWindow,
  log: Logger,
  hooks: CrashRecoveryHooks,
  options: CrashRecoveryOptions = DEFAULT_CRASH_RECOVERY,
): void {
  const now = hooks.now ?? Date.now
  let inARow = 0
  let failures: number[] = []
  let reloadTimer: NodeJS.Timeout | undefined
  let stableTimer: NodeJS.Timeout | undefined
  let hangTimer: NodeJS.Timeout | undefined
  let relaunching = false
  /** Set while we kill a hung renderer ourselves: its `render-process-gone` is that same failure, not a new one. */
  let killingHungRenderer = false

  const failed = (cause: string, details: Record<string, unknown>) => {
    if (relaunching) return
    const at = now()
    failures = [...failures.filter((time) => at - time < options.failureWindowMs), at]
    if (failures.length > options.maxFailures) {
      relaunching = true
      clearTimeout(reloadTimer)
      clearTimeout(stableTimer)
      log.error('renderer keeps failing; relaunching the app', {
        cause,
        failures: failures.length,
        ...details,
      })
      hooks.relaunch()
      return
    }
    inARow += 1
    const delayMs = backoffDelay(inARow, options.backoff, () => 0.5)
    log.error(`renderer ${cause}; reloading`, { ...details, delayMs, inARow })
    // A second failure before the reload (a hang, then the crash) is one reload, at the later time.
    clearTimeout(reloadTimer)
    reloadTimer = setTimeout(() => {
      if (!window.isDestroyed()) window.webContents.reload()
    }, delayMs)
    clearTimeout(stableTimer)
    stableTimer = setTimeout(() => (inARow = 0), delayMs + options.stableResetMs)
  }

  window.webContents.on('render-process-gone', (_event, details: RenderProcessGoneDetails) => {
    clearTimeout(hangTimer)
    hangTimer = undefined
    if (killingHungRenderer) {
      killingHungRenderer = false
      return
    }
    if (details.reason === 'clean-exit') return
    failed('gone', { reason: details.reason, exitCode: details.exitCode })
  })
  window.on('unresponsive', () => {
    if (hangTimer !== undefined) return
    log.warn('renderer unresponsive; waiting for it', { graceMs: options.unresponsiveGraceMs })
    hangTimer = setTimeout(() => {
      hangTimer = undefined
      failed('hung', {})
      // A hung renderer may not obey a reload; killing it first is what Electron's docs do for `unresponsive`.
      if (!relaunching && !window.isDestroyed()) {
        killingHungRenderer = true
        window.webContents.forcefullyCrashRenderer()
      }
    }, options.unresponsiveGraceMs)
  })
  window.on('responsive', () => {
    if (hangTimer === undefined) return
    clearTimeout(hangTimer)
    hangTimer = undefined
    log.info('renderer responsive again')
  })
}

/**
 * The last resort: a fresh process. The sessions the page had open are stopped first (each costs money), for at
 * most `graceMs`, so a provider that does not answer cannot keep the kiosk from coming back.
 */
export async function relaunchApp(stopSessions: () => Promise<unknown>, graceMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    stopSessions().catch(() => undefined),
    new Promise((done) => (timer = setTimeout(done, graceMs))),
  ])
  clearTimeout(timer)
  app.relaunch()
  app.exit(EXIT_CODES.relaunch)
}
