import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { usageCsv } from '../src/main/services/usage/usage-csv'
import { readUsageFromDataDir, UsageReadError } from '../src/main/services/usage/usage-file-reader'
import { statSync } from 'node:fs'

/**
 * `npm run -s usage -- --data-dir DIR [--csv] [--days N]`: the usage ledger's figures per local day, as JSON
 * (`{"days":[…],"totals":{…}}`) or CSV. Only the figures go to stdout; notes and errors go to stderr, and an
 * error exits with 2. A folder without a ledger yet (no session ever ran) prints zeros.
 */

const USAGE = 'Usage: npm run -s usage -- [--data-dir DIR] [--csv] [--days N (1-366, default 30)]'
/** The web host's default (src/main/web/cli.ts); the Electron app keeps its data in its own userData folder. */
const WEB_HOST_DATA_DIR = join(homedir(), '.config', 'avatar-kiosk', 'web-host')

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

async function main(): Promise<void> {
  let args
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        csv: { type: 'boolean', default: false },
        days: { type: 'string', default: '30' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  const days = Number(args.days)
  if (!/^\d+$/.test(args.days) || days < 1 || days > 366)
    fail(`--days must be a whole number 1-366.\n${USAGE}`)
  let dataDir = args['data-dir']
  if (dataDir === undefined) {
    dataDir = WEB_HOST_DATA_DIR
    process.stderr.write(`No --data-dir: reading the web host's default data folder ${dataDir}\n`)
  }
  dataDir = resolve(dataDir)
  let isFolder = false
  try {
    isFolder = statSync(dataDir).isDirectory()
  } catch {
    // Reported below.
  }
  if (!isFolder) fail(`No data folder at ${dataDir}.\n${USAGE}`)

  const { report, ledgerFound } = await readUsageFromDataDir(dataDir, { days, now: Date.now() })
  if (!ledgerFound) process.stderr.write(`No usage ledger in ${dataDir} yet: no session has been counted.\n`)
  process.stdout.write(
    args.csv ? usageCsv(report) : `${JSON.stringify({ days: report.days, totals: report.totals })}\n`,
  )
}

main().catch((error: unknown) => {
  fail(error instanceof UsageReadError ? error.message : `Usage figures failed: ${String(error)}`)
})
