import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { findJustification, type Justification } from './justification'
import {
  DEFAULT_SARIF_PATH,
  ScanSarifSchema,
  severityRank,
  type SarifResult,
  type ScanSarif,
  type Severity,
} from './sarif'

/**
 * The verdict on an Electronegativity scan. Electronegativity exits 0 whatever it finds, so this is what fails
 * the build: any finding of MEDIUM severity or more without a written justification next to the code (see
 * justification.ts), any file the scan could not parse, and a SARIF file that is missing or malformed.
 */

export const FAIL_AT: Severity = 'MEDIUM'

export type JudgedFinding = {
  ruleId: string
  severity: Severity
  uri: string
  line: number
  message: string
  /** `no-source`: the finding points at no readable file (a project-wide finding): only a fix clears it. */
  justification: Justification | { kind: 'below-threshold' } | { kind: 'no-source' }
}

export type Verdict = {
  passed: boolean
  filesScanned: number
  findings: JudgedFinding[]
  /** Reasons the scan itself cannot be trusted: parse failures, hidden findings, nothing scanned. */
  scanProblems: string[]
}

/** Reads and validates the SARIF file; throws an Error with a readable message when it is unusable. */
export async function readScanSarif(path: string): Promise<ScanSarif> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`No SARIF to judge at ${path}: ${(error as Error).message}`)
  }
  if (text.trim() === '') throw new Error(`The SARIF file ${path} is empty.`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`The SARIF file ${path} is not JSON: ${(error as Error).message}`)
  }
  const parsed = ScanSarifSchema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new Error(`The SARIF file ${path} is not a scan this verdict understands: ${issues.join('; ')}`)
  }
  return parsed.data
}

function locationOf(result: SarifResult): { uri: string; line: number } {
  const location = result.locations[0]?.physicalLocation
  return { uri: location?.artifactLocation.uri ?? '', line: location?.region.startLine ?? 1 }
}

async function readSourceLines(workingDirectory: string, uri: string): Promise<string[] | undefined> {
  try {
    return (await readFile(resolve(workingDirectory, uri), 'utf8')).split('\n')
  } catch {
    return undefined
  }
}

async function justificationOf(
  result: SarifResult,
  workingDirectory: string,
): Promise<JudgedFinding['justification']> {
  if (severityRank(result.properties.severity) < severityRank(FAIL_AT)) return { kind: 'below-threshold' }
  const { uri, line } = locationOf(result)
  const sourceLines = await readSourceLines(workingDirectory, uri)
  if (!sourceLines) return { kind: 'no-source' }
  return findJustification(sourceLines, line, result.ruleId)
}

export async function judge(sarif: ScanSarif): Promise<Verdict> {
  const [run] = sarif.runs
  const invocation = run?.invocations[0]
  if (!run || !invocation) throw new Error('The SARIF file has no run to judge.')
  const workingDirectory = fileURLToPath(invocation.workingDirectory.uri)
  const findings: JudgedFinding[] = []
  for (const result of run.results) {
    const { uri, line } = locationOf(result)
    findings.push({
      ruleId: result.ruleId,
      severity: result.properties.severity,
      uri,
      line,
      message: result.message.text,
      justification: await justificationOf(result, workingDirectory),
    })
  }
  const scanProblems = invocation.toolExecutionNotifications
    .filter((notification) => notification.level === 'error')
    .map((notification) => notification.message.text)
  if (!invocation.executionSuccessful && scanProblems.length === 0)
    scanProblems.push('The scan reports that it did not complete.')
  if (invocation.properties.filesScanned === 0) scanProblems.push('The scan read no files.')
  const failing = findings.filter((finding) => isFailing(finding))
  return {
    passed: failing.length === 0 && scanProblems.length === 0,
    filesScanned: invocation.properties.filesScanned,
    findings,
    scanProblems,
  }
}

function isFailing(finding: JudgedFinding): boolean {
  const { kind } = finding.justification
  return kind === 'missing' || kind === 'no-reason' || kind === 'no-source'
}

/** One line per failing finding: file:line rule severity, and what is missing. */
export function failureLines(verdict: Verdict): string[] {
  return [
    ...verdict.scanProblems.map((problem) => `SCAN ${problem}`),
    ...verdict.findings.filter(isFailing).map((finding) => {
      const why =
        finding.justification.kind === 'no-reason'
          ? `the electronegativity-ignore on line ${finding.justification.line} gives no reason`
          : finding.justification.kind === 'no-source'
            ? 'a finding about the whole project or an unreadable file: only a fix clears it'
            : 'no electronegativity-ignore comment with a reason'
      return `FAIL ${finding.uri}:${finding.line} ${finding.ruleId} ${finding.severity}: ${finding.message} (${why})`
    }),
  ]
}

/** Counts per rule and severity, justified against failing, for the console and the closing note. */
export function summaryLines(verdict: Verdict): string[] {
  const rows = new Map<
    string,
    { ruleId: string; severity: Severity; total: number; justified: number; failing: number }
  >()
  for (const finding of verdict.findings) {
    const key = `${finding.ruleId} ${finding.severity}`
    const row = rows.get(key) ?? {
      ruleId: finding.ruleId,
      severity: finding.severity,
      total: 0,
      justified: 0,
      failing: 0,
    }
    row.total++
    if (finding.justification.kind === 'justified') row.justified++
    if (isFailing(finding)) row.failing++
    rows.set(key, row)
  }
  const sorted = [...rows.values()].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId),
  )
  const ruleWidth = Math.max(4, ...sorted.map((row) => row.ruleId.length))
  const cell = (text: string | number, width: number): string => String(text).padEnd(width)
  const table = sorted.map((row) => {
    const judged = severityRank(row.severity) >= severityRank(FAIL_AT)
    return (
      `  ${cell(row.ruleId, ruleWidth)}  ${cell(row.severity, 13)}  ${cell(row.total, 8)}  ` +
      `${cell(judged ? row.justified : '-', 9)}  ${judged ? row.failing : '- (below ' + FAIL_AT + ')'}`
    )
  })
  const judged = verdict.findings.filter((finding) => finding.justification.kind !== 'below-threshold')
  const failing = judged.filter(isFailing).length
  return [
    `Electronegativity: ${verdict.filesScanned} files, ${verdict.findings.length} findings; ` +
      `${judged.length} at ${FAIL_AT} or above (${judged.length - failing} justified, ${failing} failing), ` +
      `${verdict.findings.length - judged.length} below; ${verdict.scanProblems.length} scan problems.`,
    ...(table.length > 0
      ? [
          `  ${cell('rule', ruleWidth)}  ${cell('severity', 13)}  ${cell('findings', 8)}  justified  failing`,
          ...table,
        ]
      : []),
  ]
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sarif: { type: 'string', default: DEFAULT_SARIF_PATH } } })
  let verdict: Verdict
  try {
    verdict = await judge(await readScanSarif(values.sarif))
  } catch (error) {
    console.error(`FAIL ${(error as Error).message}`)
    process.exit(1)
  }
  for (const line of summaryLines(verdict)) console.log(line)
  for (const line of failureLines(verdict)) console.error(line)
  if (!verdict.passed) {
    console.error(
      'Fix the finding, or justify it next to the code: // electronegativity-ignore: <RULE_ID> — <why it is safe>',
    )
    process.exit(1)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
