/**
 * How the kiosk process ends, so that a watchdog (a systemd user unit with `Restart=always`, a Windows task)
 * can tell a deliberate exit from a crash. A crash itself ends by a signal or Node's own code 1.
 * The README's "Exit codes" table lists the same values; keep the two in step.
 */
export const EXIT_CODES = {
  /** Stopped by a signal or by closing the window: a watchdog brings it back (a visitor's Alt+F4 must not end the kiosk). */
  stopped: 0,
  /** Start-up failed on an unexpected error (a data file unreadable, a port taken): worth retrying. */
  startFailed: 1,
  /** The command line or the `--config` provisioning file was refused: restarting cannot help until it is fixed. */
  invalidConfig: 2,
  /** A deliberate exit that must not be undone: another kiosk instance already runs for this user. */
  deliberateNoRestart: 3,
  /** The renderer kept crashing, so the app relaunched itself (`app.relaunch()`) and this instance exits. */
  relaunch: 75,
} as const

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES]

/** Exit codes after which a watchdog must not restart the kiosk (systemd `RestartPreventExitStatus=`). */
export const NO_RESTART_EXIT_CODES: readonly ExitCode[] = [
  EXIT_CODES.invalidConfig,
  EXIT_CODES.deliberateNoRestart,
]
