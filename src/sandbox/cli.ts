import { CliUsageError, parseCliArgs, USAGE } from './cli-args'
import { startSandbox } from './index'
import type { LogLevel, SandboxLogger } from './options'

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 }

/** Logs go to stderr so stdout carries exactly one line: the ready message a parent process waits for. */
function stderrLogger(threshold: LogLevel): SandboxLogger {
  return (level, msg, ctx) => {
    if (LEVEL_RANK[level] < LEVEL_RANK[threshold]) return
    const context = ctx && Object.keys(ctx).length > 0 ? ` ${JSON.stringify(ctx)}` : ''
    process.stderr.write(`${new Date().toISOString()} [sandbox] ${level}: ${msg}${context}\n`)
  }
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseCliArgs>
  try {
    args = parseCliArgs(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error
    process.stderr.write(`${error.message}\n\n${USAGE}\n`)
    process.exitCode = 2
    return
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`)
    return
  }
  const sandbox = await startSandbox({ ...args.options, log: stderrLogger(args.logLevel) })
  process.stdout.write(`${JSON.stringify({ ready: true, baseUrl: sandbox.baseUrl })}\n`)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    process.stderr.write(`[sandbox] ${signal}: shutting down\n`)
    void sandbox.close().then(() => process.exit(0))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`[sandbox] ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
