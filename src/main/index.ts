import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, session } from 'electron'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { EVENT_CHANNEL } from '../shared/bridge-api'
import { createAppServices, type AppServices } from './app-services'
import { registerAppScheme, serveAppProtocol } from './electron/app-protocol'
import { electronAutostart } from './electron/autostart'
import { recoverFromRendererCrashes, relaunchApp } from './electron/crash-recovery'
import { createElectronLogSink, electronHostAdapters } from './electron/electron-host'
import { registerIpcGate } from './electron/ipc-gate'
import { lockNavigation } from './electron/navigation'
import { watchForPageGone } from './electron/page-lifecycle'
import { installPermissionHandlers } from './electron/permissions'
import { installProviderCors } from './electron/provider-cors'
import { applyWindowMode, createKioskWindow } from './electron/window'
import { EXIT_CODES } from './exit-codes'
import { buildRendererCsp } from './security/csp'
import { EmbeddedSandbox } from './services/embedded-sandbox'
import { createLogger } from './services/logger'
import { applyProvisioningFile, ProvisioningError } from './services/provisioning'
import { startFailureLine } from './services/start-failure'

registerAppScheme()
// The avatar must speak as soon as it appears; there is nobody to click "play" on a kiosk.
app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required')

/** `--config FILE` provisions the kiosk; `--data-dir DIR` moves its settings, secrets and logs (tests, kiosks). */
function launchArguments(): { config?: string; dataDir?: string } {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { config: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  })
  return {
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values['data-dir'] === 'string' ? { dataDir: values['data-dir'] } : {}),
  }
}

const launch = launchArguments()
/** The keys a start failure must not print; known once the services have loaded the secrets. */
let knownSecrets: () => Iterable<string> = () => []
if (launch.dataDir !== undefined) app.setPath('userData', resolve(launch.dataDir))

async function start(): Promise<void> {
  const logSink = createElectronLogSink()
  const sandbox = new EmbeddedSandbox(createLogger(logSink, () => [], 'sandbox'))
  const autostart = electronAutostart({
    platform: process.platform,
    env: process.env,
    homeDir: homedir(),
    // A kiosk moved to its own data folder must come back to the same folder at the next log-in.
    extraArgs: launch.dataDir !== undefined ? ['--data-dir', resolve(launch.dataDir)] : [],
  })
  const services: AppServices = await createAppServices({
    ...electronHostAdapters(logSink),
    sandbox,
    autostart,
  })
  knownSecrets = () => services.secrets.knownValues()
  const log = services.hostLog('electron')

  if (launch.config !== undefined) {
    try {
      await applyProvisioningFile(resolve(launch.config), services)
      // A provisioned PIN protects the panel from this start on, not from the next unlock.
      await services.admin.adoptProvisionedPin()
    } catch (error) {
      if (!(error instanceof ProvisioningError)) throw error
      process.stderr.write(
        `${error.message}\n${error.fields.map((f) => `  ${f.path}: ${f.message}`).join('\n')}\n`,
      )
      app.exit(EXIT_CODES.invalidConfig)
      return
    }
  }

  await services.provider.prepare()
  Menu.setApplicationMenu(null)
  // Camera wake asks for video; it is granted only while the operator has it switched on.
  installPermissionHandlers(session.defaultSession, {
    cameraAllowed: () => services.settings.get().attract.wake.camera,
  })
  installProviderCors(session.defaultSession, () => services.provider.corsOrigin())
  serveAppProtocol(join(import.meta.dirname, '../renderer'), services.media, async () =>
    buildRendererCsp(services.provider.cspInput()),
  )
  registerIpcGate(ipcMain, services.dispatch, log)
  // Every web contents, the kiosk window's included, gets the lock once, as it is created.
  app.on('web-contents-created', (_event, contents) => lockNavigation(contents, log))

  let quitting = false
  const window = createKioskWindow({
    mode: services.settings.get().display.windowMode,
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    isPackaged: app.isPackaged,
  })
  services.events.subscribe((name, payload, target) => {
    for (const open of BrowserWindow.getAllWindows()) {
      if (target === undefined || target === `window:${open.webContents.id}`) {
        open.webContents.send(EVENT_CHANNEL, name, payload)
      }
    }
  })
  services.settings.onChange((settings) => applyWindowMode(window, settings.display.windowMode))
  stopOrphanedSessions(window, services)
  recoverFromRendererCrashes(window, log, {
    relaunch: () => {
      quitting = true
      void relaunchApp(() => services.close())
    },
  })
  powerSaveBlocker.start('prevent-display-sleep')

  const shutDown = () => {
    if (quitting) return
    quitting = true
    void services.close().finally(() => app.exit(EXIT_CODES.stopped))
  }
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    shutDown()
  })
  process.on('SIGTERM', shutDown)
  process.on('SIGINT', shutDown)
}

function stopOrphanedSessions(window: BrowserWindow, services: AppServices): void {
  const clientId = `window:${window.webContents.id}`
  watchForPageGone(window, (reason) => {
    services.conversation.forget(clientId)
    void services.sessions.stopOrphans(clientId, reason)
  })
}

if (!app.requestSingleInstanceLock()) {
  // Another kiosk already runs for this user (an autostart entry and a unit both started one): a watchdog must
  // not keep starting this one again.
  app.exit(EXIT_CODES.deliberateNoRestart)
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  })
  app.on('window-all-closed', () => app.quit())
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      process.stderr.write(`${startFailureLine('Avatar Kiosk', error, knownSecrets())}\n`)
      app.exit(EXIT_CODES.startFailed)
    })
}
