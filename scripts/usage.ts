import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { usageCsv } from '../src/main/services/usage/usage-csv'
import { readUsageFromDataDir, UsageReadError } from '../src/main/services/usage/usage-file-reader'
import { webHostDataDir } from '../src/main/web/data-dir'

/**
 * `npm run -s usage -- --data-dir DIR [--csv] [--days N]`: the usage ledger's figures per local day, as JSON
 * (`{"days":[…],"totals":{…}}`) or CSV. Only the figures go to stdout; notes and errors go to stderr, and an
 * error exits with 2. A folder without a ledger yet (no session ever ran) prints zeros.
 */

const USAGE = 'Usage: npm run -s usage -- [--data-dir DIR] [--csv] [--days N (1-366, default 30)]'

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
  // Without --data-dir, the web host's default; the Electron app keeps its data in its own userData folder.
  const dataDir = webHostDataDir(args['data-dir'])
  if (args['data-dir'] === undefined)
    process.stderr.write(`No --data-dir: reading the web host's default data folder ${dataDir}\n`)
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
