import type { LogContext, LogLevel, LogSink, Logger } from '../../../src/main/services/logger'

export interface SinkLine {
  level: LogLevel
  line: string
}

/** A log sink that keeps every line, for asserting what would have reached the log file. */
export function memorySink(): { sink: LogSink; lines: SinkLine[]; text: () => string } {
  const lines: SinkLine[] = []
  return {
    sink: (level, line) => {
      lines.push({ level, line })
    },
    lines,
    text: () => lines.map((entry) => entry.line).join('\n'),
  }
}

export interface LoggedEntry {
  level: LogLevel
  message: string
  context: LogContext | undefined
}

/** A Logger that records structured entries instead of formatting them. */
export function memoryLogger(): Logger & { entries: LoggedEntry[] } {
  const entries: LoggedEntry[] = []
  const write = (level: LogLevel) => (message: string, context?: LogContext) => {
    entries.push({ level, message, context })
  }
  return { entries, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
