/** How renderer modules log: through the bridge to main's log file (see main.ts), never to storage. */
export type LogContext = Record<string, string | number | boolean | null>
export type Log = (level: 'info' | 'warn' | 'error', message: string, context?: LogContext) => void
