import { z } from 'zod'

/** One line of the admin panel's "Check this kiosk" page: pass, warn or fail, with a one-line fix. */
export const DiagnosticCheckSchema = z.object({
  id: z.string(),
  label: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  /** What was found: a status code and latency, a version, free space. Never a key or a response body. */
  detail: z.string(),
  /** What to do about a warn or fail; empty on pass. */
  fix: z.string(),
  latencyMs: z.number().nonnegative().optional(),
})
export type DiagnosticCheck = z.infer<typeof DiagnosticCheckSchema>

/** The checks main runs with the keys: provider API and LLM reachability, versions, free disk space. */
export const MainDiagnosticsSchema = z.object({ checks: z.array(DiagnosticCheckSchema) })

export const AutostartStateSchema = z.object({
  /**
   * `login-item`: Windows and macOS (`app.setLoginItemSettings`). `xdg`: a Linux XDG autostart entry.
   * `none`: this host cannot start itself (the web host); `instructions` then says what to do instead.
   */
  mechanism: z.enum(['login-item', 'xdg', 'none']),
  enabled: z.boolean(),
  /** Plain-language help: where the entry lives, or a systemd user unit to install by hand. */
  instructions: z.string(),
})
export type AutostartState = z.infer<typeof AutostartStateSchema>
