import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** One fault of the matrix and what the kiosk did about it; `null` where the row failed before measuring. */
export interface FaultRow {
  fault: string
  recovered: boolean | null
  /** From the fault (or, where the note says so, from its end) to `data-session-state="live"` again. */
  liveAgainMs: number | null
  /** Sessions open at the sandbox beyond the one the live page holds. */
  leftOpen: number | null
  intact: boolean | null
  note: string
  passed: boolean
  error?: string
}

const OUTPUT_DIR = resolve('test-results')
/**
 * Rows go to disk as each test ends: Playwright starts a fresh worker after a failed test, so memory alone would
 * lose the rows before it. The folder is emptied by Playwright at the start of every run.
 */
const ROWS_FILE = join(OUTPUT_DIR, 'fault-matrix.rows.json')

/** Playwright's messages carry terminal colours. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

/** Keeps a cell on one table line. */
function cell(text: string): string {
  return text
    .replaceAll(ANSI_COLOUR, '')
    .replaceAll(/[\r\n|]+/g, ' ')
    .slice(0, 300)
}

export function recordRow(row: FaultRow): void {
  mkdirSync(OUTPUT_DIR, { recursive: true })
  const rows = readRows()
  rows[row.fault] = { ...row, note: cell(row.note), ...(row.error ? { error: cell(row.error) } : {}) }
  writeFileSync(ROWS_FILE, JSON.stringify(rows, null, 2))
}

function readRows(): Record<string, FaultRow> {
  if (!existsSync(ROWS_FILE)) return {}
  return JSON.parse(readFileSync(ROWS_FILE, 'utf8')) as Record<string, FaultRow>
}

function yesNo(value: boolean | null): string {
  return value === null ? '–' : value ? 'yes' : 'no'
}

/** The whole matrix, planned rows that never reported included, as markdown; also written to test-results. */
export function writeMatrix(planned: readonly string[]): string {
  const rows = readRows()
  const lines = [
    '| fault | recovered without a human | time to live again (ms) | sessions left open | settings and keys intact | result | note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const fault of planned) {
    const row = rows[fault]
    if (!row) {
      lines.push(`| ${fault} | – | – | – | – | NOT RUN | |`)
      continue
    }
    const result = row.passed ? 'pass' : `**FAIL**: ${row.error ?? ''}`
    lines.push(
      `| ${fault} | ${yesNo(row.recovered)} | ${row.liveAgainMs ?? '–'} | ${row.leftOpen ?? '–'} | ${yesNo(row.intact)} | ${result} | ${row.note} |`,
    )
  }
  const table = lines.join('\n')
  mkdirSync(OUTPUT_DIR, { recursive: true })
  writeFileSync(join(OUTPUT_DIR, 'fault-matrix.md'), `# Fault matrix\n\n${table}\n`)
  writeFileSync(
    join(OUTPUT_DIR, 'fault-matrix.json'),
    JSON.stringify(
      planned.map((fault) => rows[fault] ?? { fault, passed: false, error: 'not run' }),
      null,
      2,
    ),
  )
  return table
}
