import { mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scanToSarif } from '../../../scripts/security/electronegativity-scan'
import { failureLines, judge } from '../../../scripts/security/electronegativity-verdict'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()

/** A project whose `src` holds the given files and the handlers Electronegativity looks for project-wide. */
async function projectWith(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('kiosk-eneg-scan-')
  const wellBehaved = [
    "import { app, session } from 'electron'",
    'session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))',
    "app.on('web-contents-created', (_event, contents) => {",
    "  contents.on('will-navigate', (event) => event.preventDefault())",
    "  contents.setWindowOpenHandler(() => ({ action: 'deny' }))",
    '})',
    "const csp = \"default-src 'self'; object-src 'none'\"",
    "session.defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: { 'Content-Security-Policy': [csp] } }))",
  ].join('\n')
  for (const [path, content] of Object.entries({ 'src/handlers.ts': wellBehaved, ...files })) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  return dir
}

async function scan(dir: string): ReturnType<typeof scanToSarif> {
  return scanToSarif({ input: 'src', workingDirectory: dir, electronVersion: '45.4.1' })
}

const INSECURE_WINDOW = [
  "import { BrowserWindow } from 'electron'",
  'const size = { width: 800, height: 600 } satisfies Record<string, number>',
  'export const window = new BrowserWindow({',
  '  ...size,',
  "  webPreferences: { sandbox: false, contextIsolation: true, disableBlinkFeatures: 'Auxclick' },",
  '})',
].join('\n')

describe('the Electronegativity scan', () => {
  it('records each finding with its severity and place, and parses current TypeScript', async () => {
    const dir = await projectWith({ 'src/window.ts': INSECURE_WINDOW })
    const sarif = await scan(dir)
    const [run] = sarif.runs
    expect(run?.invocations[0]?.toolExecutionNotifications).toEqual([])
    expect(run?.invocations[0]?.executionSuccessful).toBe(true)
    expect(run?.invocations[0]?.properties.filesScanned).toBe(2)
    const findings = run?.results
      .filter(
        (result) => result.properties.severity !== 'INFORMATIONAL' && result.properties.severity !== 'LOW',
      )
      .map((result) => ({
        ruleId: result.ruleId,
        severity: result.properties.severity,
        uri: result.locations[0]?.physicalLocation.artifactLocation.uri,
        line: result.locations[0]?.physicalLocation.region.startLine,
      }))
    expect(findings).toEqual([
      { ruleId: 'SANDBOX_JS_CHECK', severity: 'MEDIUM', uri: 'src/window.ts', line: 5 },
    ])
    const verdict = await judge(sarif)
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toEqual([
      'FAIL src/window.ts:5 SANDBOX_JS_CHECK MEDIUM: Use sandbox for untrusted origins ' +
        '(no electronegativity-ignore comment with a reason)',
    ])
  })

  it('passes once the finding is justified next to the code', async () => {
    const justified = INSECURE_WINDOW.replace(
      '  webPreferences:',
      '  // electronegativity-ignore: SANDBOX_JS_CHECK — this window only ever shows a bundled local page\n' +
        '  webPreferences:',
    )
    const verdict = await judge(await scan(await projectWith({ 'src/window.ts': justified })))
    expect(failureLines(verdict)).toEqual([])
    expect(verdict.passed).toBe(true)
  })

  it('fails when it cannot parse a file, instead of skipping it', async () => {
    const dir = await projectWith({ 'src/broken.ts': 'export const broken = {\n' })
    const sarif = await scan(dir)
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(false)
    const verdict = await judge(sarif)
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toEqual([
      'SCAN Electronegativity could not parse src/broken.ts: Unexpected token (2:0)',
    ])
  })

  it('fails on an eng-disable marker, which would hide a finding without a reason', async () => {
    const hidden = INSECURE_WINDOW.replace(
      '  webPreferences: { sandbox: false,',
      '  // eng-disable SANDBOX_JS_CHECK\n  webPreferences: { sandbox: false,',
    )
    const dir = await projectWith({ 'src/window.ts': hidden })
    const verdict = await judge(await scan(dir))
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toContainEqual(
      'SCAN src/window.ts:5 uses eng-disable, which hides findings without a reason; ' +
        'write an electronegativity-ignore comment with the reason instead.',
    )
  })

  it('reports a project-wide finding against the input folder, where only a fix clears it', async () => {
    const dir = await tempDir('kiosk-eneg-scan-')
    await mkdir(join(dir, 'src'))
    await writeFile(join(dir, 'src/window.ts'), INSECURE_WINDOW)
    const verdict = await judge(await scan(dir))
    expect(verdict.passed).toBe(false)
    expect(failureLines(verdict)).toContainEqual(
      'FAIL src:1 LIMIT_NAVIGATION_GLOBAL_CHECK HIGH: Missing navigation limits using .on new-window and ' +
        'will-navigate events ' +
        '(a finding about the whole project or an unreadable file: only a fix clears it)',
    )
  })
})

describe('the scan offline', () => {
  it('gives Electronegativity an HTTP client that refuses, so no run reaches the network', async () => {
    await scan(await projectWith({}))
    const requireFromRunner = createRequire(
      createRequire(import.meta.url).resolve('@doyensec/electronegativity/dist/runner.js'),
    )
    const got: unknown = requireFromRunner('got')
    expect(typeof got).toBe('function')
    await expect((got as (url: string) => Promise<unknown>)('https://example.com/')).rejects.toThrow(
      'The security scan runs offline.',
    )
  })
})
