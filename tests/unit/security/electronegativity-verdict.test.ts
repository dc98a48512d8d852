import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  failureLines,
  judge,
  readScanSarif,
  summaryLines,
} from '../../../scripts/security/electronegativity-verdict'
import {
  sarifLevel,
  type SarifNotification,
  type ScanSarif,
  type Severity,
} from '../../../scripts/security/sarif'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const ROOT = resolve(import.meta.dirname, '../../..')

type Finding = { ruleId: string; severity: Severity; uri: string; line: number }

function scanSarif(
  workingDirectory: string,
  findings: Finding[],
  invocation: { notifications?: SarifNotification[]; filesScanned?: number; successful?: boolean } = {},
): ScanSarif {
  const notifications = invocation.notifications ?? []
  return {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Electronegativity', version: '1.10.3' } },
        invocations: [
          {
            executionSuccessful: invocation.successful ?? notifications.length === 0,
            workingDirectory: { uri: pathToFileURL(workingDirectory).href },
            toolExecutionNotifications: notifications,
            properties: { filesScanned: invocation.filesScanned ?? 1 },
          },
        ],
        results: findings.map((finding) => ({
          ruleId: finding.ruleId,
          level: sarifLevel(finding.severity),
          message: { text: `${finding.ruleId} description` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: finding.uri },
                region: { startLine: finding.line, startColumn: 1 },
              },
            },
          ],
          properties: { severity: finding.severity, confidence: 'FIRM', manualReview: false },
        })),
      },
    ],
  }
}

/** A project folder with one source file; the flagged `new BrowserWindow` is on the returned line. */
async function projectWith(linesAbove: string[]): Promise<{ dir: string; uri: string; line: number }> {
  const dir = await tempDir('kiosk-eneg-')
  const uri = 'src/main/window.ts'
  const lines = [
    "import { BrowserWindow } from 'electron'",
    ...linesAbove,
    'const window = new BrowserWindow(options())',
  ]
  await mkdir(dirname(join(dir, uri)), { recursive: true })
  await writeFile(join(dir, uri), `${lines.join('\n')}\n`)
  return { dir, uri, line: lines.length }
}

describe('the Electronegativity verdict', () => {
  it('fails an unjustified MEDIUM finding and names its file, line, rule and severity', async () => {
    const { dir, uri, line } = await projectWith([])
    const verdict = await judge(
      scanSarif(dir, [{ ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri, line }]),
    )
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toEqual([
      `FAIL ${uri}:${line} SANDBOX_JS_CHECK MEDIUM: SANDBOX_JS_CHECK description ` +
        '(no electronegativity-ignore comment with a reason)',
    ])
  })

  it('fails an unjustified HIGH finding', async () => {
    const { dir, uri, line } = await projectWith([])
    const verdict = await judge(
      scanSarif(dir, [{ ruleId: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH', uri, line }]),
    )
    expect(verdict.passed).toBe(false)
  })

  it('passes a MEDIUM finding justified in the comment block above it', async () => {
    const { dir, uri, line } = await projectWith([
      '// electronegativity-ignore: SANDBOX_JS_CHECK — options() sets sandbox to true,',
      '// and a unit test holds it.',
    ])
    const verdict = await judge(
      scanSarif(dir, [{ ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri, line }]),
    )
    expect(failureLines(verdict)).toEqual([])
    expect(verdict.passed).toBe(true)
    expect(verdict.findings[0]?.justification).toEqual({
      kind: 'justified',
      line: line - 2,
      reason: 'options() sets sandbox to true,',
    })
  })

  it('passes one comment that justifies several rules', async () => {
    const { dir, uri, line } = await projectWith([
      '// electronegativity-ignore: SANDBOX_JS_CHECK, AUXCLICK_JS_CHECK - both are handled by options()',
    ])
    const verdict = await judge(
      scanSarif(dir, [
        { ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri, line },
        { ruleId: 'AUXCLICK_JS_CHECK', severity: 'MEDIUM', uri, line },
      ]),
    )
    expect(verdict.passed).toBe(true)
  })

  it('passes an unjustified LOW or INFORMATIONAL finding', async () => {
    const { dir, uri, line } = await projectWith([])
    const verdict = await judge(
      scanSarif(dir, [
        { ruleId: 'CSP_GLOBAL_CHECK', severity: 'LOW', uri, line },
        { ruleId: 'SECURITY_WARNINGS_DISABLED_JS_CHECK', severity: 'INFORMATIONAL', uri, line },
      ]),
    )
    expect(verdict.passed).toBe(true)
    expect(verdict.findings.map((finding) => finding.justification.kind)).toEqual([
      'below-threshold',
      'below-threshold',
    ])
  })

  it.each([
    ['no reason at all', '// electronegativity-ignore: SANDBOX_JS_CHECK'],
    ['a dash and nothing after it', '// electronegativity-ignore: SANDBOX_JS_CHECK —'],
    ['a one-word reason', '// electronegativity-ignore: SANDBOX_JS_CHECK — fine'],
    ['a reason without a dash', '// electronegativity-ignore: SANDBOX_JS_CHECK it is really fine here'],
  ])('fails a finding whose ignore comment gives %s', async (_name, comment) => {
    const { dir, uri, line } = await projectWith([comment])
    const verdict = await judge(
      scanSarif(dir, [{ ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri, line }]),
    )
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toEqual([
      `FAIL ${uri}:${line} SANDBOX_JS_CHECK MEDIUM: SANDBOX_JS_CHECK description ` +
        `(the electronegativity-ignore on line ${line - 1} gives no reason)`,
    ])
  })

  it('does not accept a justification of another rule, or one cut off by code or a blank line', async () => {
    for (const above of [
      ['// electronegativity-ignore: AUXCLICK_JS_CHECK — middle-click cannot open anything here'],
      ['// electronegativity-ignore: SANDBOX_JS_CHECK — options() sets sandbox to true', ''],
      [
        '// electronegativity-ignore: SANDBOX_JS_CHECK — options() sets sandbox to true',
        'const unrelated = 1',
      ],
    ]) {
      const { dir, uri, line } = await projectWith(above)
      const verdict = await judge(
        scanSarif(dir, [{ ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri, line }]),
      )
      expect(verdict.passed, above.join(' / ')).toBe(false)
    }
  })

  it('fails a finding in a file it cannot read, or about the whole project: only a fix clears those', async () => {
    const dir = await tempDir('kiosk-eneg-')
    await mkdir(join(dir, 'src'))
    const verdict = await judge(
      scanSarif(dir, [
        { ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri: 'src/gone.ts', line: 3 },
        { ruleId: 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', severity: 'MEDIUM', uri: 'src', line: 1 },
      ]),
    )
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toEqual([
      'FAIL src/gone.ts:3 SANDBOX_JS_CHECK MEDIUM: SANDBOX_JS_CHECK description ' +
        '(a finding about the whole project or an unreadable file: only a fix clears it)',
      'FAIL src:1 PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK MEDIUM: PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK ' +
        'description (a finding about the whole project or an unreadable file: only a fix clears it)',
    ])
  })

  it('fails a scan that could not parse a file, even with no findings', async () => {
    const dir = await tempDir('kiosk-eneg-')
    const notification: SarifNotification = {
      level: 'error',
      message: { text: 'Electronegativity could not parse src/broken.ts: Unexpected token (1:6)' },
    }
    const verdict = await judge(scanSarif(dir, [], { notifications: [notification] }))
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toEqual([
      'SCAN Electronegativity could not parse src/broken.ts: Unexpected token (1:6)',
    ])
  })

  it('fails a scan that read no files or did not complete', async () => {
    const dir = await tempDir('kiosk-eneg-')
    expect((await judge(scanSarif(dir, [], { filesScanned: 0 }))).passed).toBe(false)
    expect((await judge(scanSarif(dir, [], { successful: false }))).passed).toBe(false)
    expect((await judge(scanSarif(dir, []))).passed).toBe(true)
  })

  it('counts findings per rule and severity in its summary', async () => {
    const { dir, uri, line } = await projectWith([
      '// electronegativity-ignore: SANDBOX_JS_CHECK — options() sets sandbox to true',
    ])
    const verdict = await judge(
      scanSarif(dir, [
        { ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri, line },
        { ruleId: 'AUXCLICK_JS_CHECK', severity: 'MEDIUM', uri, line },
        { ruleId: 'CSP_GLOBAL_CHECK', severity: 'LOW', uri, line },
      ]),
    )
    const summary = summaryLines(verdict)
    expect(summary[0]).toBe(
      'Electronegativity: 1 files, 3 findings; 2 at MEDIUM or above (1 justified, 1 failing), 1 below; ' +
        '0 scan problems.',
    )
    expect(summary.slice(2).map((row) => row.trim().split(/\s+/))).toEqual([
      ['AUXCLICK_JS_CHECK', 'MEDIUM', '1', '0', '1'],
      ['SANDBOX_JS_CHECK', 'MEDIUM', '1', '1', '0'],
      ['CSP_GLOBAL_CHECK', 'LOW', '1', '-', '-', '(below', 'MEDIUM)'],
    ])
  })
})

describe('reading the SARIF file', () => {
  it('rejects a missing, empty, non-JSON or foreign file with a message naming it', async () => {
    const dir = await tempDir('kiosk-eneg-')
    const missing = join(dir, 'missing.sarif')
    await expect(readScanSarif(missing)).rejects.toThrow(`No SARIF to judge at ${missing}`)
    const cases: [string, string][] = [
      ['', 'is empty'],
      ['{"runs": [', 'is not JSON'],
      ['{"version": "2.1.0", "runs": []}', 'is not a scan this verdict understands'],
    ]
    for (const [content, message] of cases) {
      const path = join(dir, 'scan.sarif')
      await writeFile(path, content)
      await expect(readScanSarif(path)).rejects.toThrow(message)
    }
  })

  it('rejects a finding without a severity, as Electronegativity’s own SARIF writer produces', async () => {
    const dir = await tempDir('kiosk-eneg-')
    const sarif = scanSarif(dir, [{ ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri: 'a.ts', line: 1 }])
    const result = sarif.runs[0]?.results[0]
    if (result) Reflect.deleteProperty(result, 'properties')
    const path = join(dir, 'scan.sarif')
    await writeFile(path, JSON.stringify(sarif))
    await expect(readScanSarif(path)).rejects.toThrow('properties')
  })
})

describe('the verdict command', () => {
  function verdictCommand(sarifPath: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
        'scripts/security/electronegativity-verdict.ts',
        '--sarif',
        sarifPath,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  it('exits 1 with one readable line when the SARIF file is missing', async () => {
    const missing = join(await tempDir('kiosk-eneg-'), 'missing.sarif')
    const result = verdictCommand(missing)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`FAIL No SARIF to judge at ${missing}`)
  })

  it('exits 1 on an unjustified finding and 0 once it is justified', async () => {
    const unjustified = await projectWith([])
    const failing = join(unjustified.dir, 'scan.sarif')
    await writeFile(
      failing,
      JSON.stringify(
        scanSarif(unjustified.dir, [{ ...unjustified, ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM' }]),
      ),
    )
    const failed = verdictCommand(failing)
    expect(failed.status).toBe(1)
    expect(failed.stderr).toContain(`FAIL ${unjustified.uri}:${unjustified.line} SANDBOX_JS_CHECK MEDIUM`)

    const justified = await projectWith([
      '// electronegativity-ignore: SANDBOX_JS_CHECK — options() sets sandbox',
    ])
    const passing = join(justified.dir, 'scan.sarif')
    await writeFile(
      passing,
      JSON.stringify(
        scanSarif(justified.dir, [{ ...justified, ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM' }]),
      ),
    )
    const passed = verdictCommand(passing)
    expect(passed.stderr).toBe('')
    expect(passed.status).toBe(0)
    expect(passed.stdout).toContain('1 at MEDIUM or above (1 justified, 0 failing)')
  })
})
