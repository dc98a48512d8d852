import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import Module, { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import {
  DEFAULT_SARIF_PATH,
  sarifLevel,
  SEVERITIES,
  type SarifNotification,
  type SarifResult,
  type ScanSarif,
} from './sarif'

/**
 * Runs Electronegativity over the sources and writes the SARIF its verdict reads.
 *
 * It calls Electronegativity's runner rather than its CLI: with an output file the CLI neither prints nor
 * records the files it failed to parse, so a file it could not read would pass unseen. The runner returns
 * those failures, and this script records each one as an error notification.
 */

/** It asks the internet which Electron releases fix what: the one check that cannot run offline. */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck']

/** Electronegativity's file name for a finding about the whole project rather than one place. */
const PROJECT_WIDE = 'N/A'

const requireHere = createRequire(import.meta.url)
const RUNNER_PATH = requireHere.resolve('@doyensec/electronegativity/dist/runner.js')

const RunnerOutputSchema = z.object({
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
  issues: z.array(
    z.object({
      id: z.string(),
      file: z.string(),
      description: z.string(),
      location: z.object({ line: z.number(), column: z.number() }),
      severity: z.object({ name: z.enum(SEVERITIES) }),
      confidence: z.object({ name: z.enum(['TENTATIVE', 'FIRM', 'CERTAIN']) }),
      manualReview: z.boolean().optional(),
    }),
  ),
})
type RunnerOutput = z.infer<typeof RunnerOutputSchema>

/**
 * Electronegativity fetches its message translations from the internet on every run. The scan must not depend
 * on (or be steered by) the network, so its HTTP client is replaced before the runner loads; the runner then
 * falls back to its bundled English messages.
 */
function keepElectronegativityOffline(): void {
  const gotPath = createRequire(RUNNER_PATH).resolve('got')
  const offline = new Module(gotPath)
  offline.filename = gotPath
  offline.loaded = true
  offline.exports = () => Promise.reject(new Error('The security scan runs offline.'))
  requireHere.cache[gotPath] = offline
}

async function runElectronegativity(input: string, electronVersion: string): Promise<RunnerOutput> {
  keepElectronegativityOffline()
  const run: unknown = requireHere(RUNNER_PATH)
  if (typeof run !== 'function')
    throw new Error(`Electronegativity's runner is not a function: ${RUNNER_PATH}`)
  const output: unknown = await run(
    {
      input,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map((check) => check.toLowerCase()),
      isRelative: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  )
  return RunnerOutputSchema.parse(output)
}

/** The files Electronegativity reads (its own filter), for the summary and the inline-disable guard. */
async function scannedFiles(input: string): Promise<string[]> {
  const entries = await readdir(input, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes('node_modules'))
    .filter(
      (path) => /\.(?:jsx?|tsx?|html?)$/i.test(path) || /package(?:-lock)?\.json$|yarn\.lock$/i.test(path),
    )
}

/**
 * Electronegativity drops any finding on a line marked `eng-disable <CHECK>`, with no reason and no trace in
 * its output. Such a marker would bypass the verdict, so each one fails the scan.
 */
async function inlineDisableMarkers(files: string[], workingDirectory: string): Promise<SarifNotification[]> {
  const notifications: SarifNotification[] = []
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n')
    lines.forEach((line, index) => {
      if (!/eng-disable/i.test(line)) return
      notifications.push(
        errorNotification(
          `${toUri(file, workingDirectory)}:${index + 1} uses eng-disable, which hides findings without a reason; ` +
            'write an electronegativity-ignore comment with the reason instead.',
          file,
          workingDirectory,
        ),
      )
    })
  }
  return notifications
}

function toUri(path: string, workingDirectory: string): string {
  return relative(workingDirectory, path).split(sep).join('/')
}

function errorNotification(text: string, file: string, workingDirectory: string): SarifNotification {
  return {
    level: 'error',
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: { uri: toUri(file, workingDirectory) } } }],
  }
}

export async function scanToSarif(options: {
  input: string
  workingDirectory: string
  electronVersion: string
}): Promise<ScanSarif> {
  const input = resolve(options.workingDirectory, options.input)
  const files = await scannedFiles(input)
  const { errors, issues } = await runElectronegativity(input, options.electronVersion)
  const notifications = [
    ...errors.map((error) =>
      errorNotification(
        `Electronegativity could not parse ${toUri(error.file, options.workingDirectory)}: ${error.message}`,
        error.file,
        options.workingDirectory,
      ),
    ),
    ...(await inlineDisableMarkers(files, options.workingDirectory)),
  ]
  const results = issues.map((issue): SarifResult => ({
    ruleId: issue.id,
    level: sarifLevel(issue.severity.name),
    message: { text: issue.description },
    locations: [
      {
        physicalLocation: {
          // Project-wide findings (no permission handler anywhere, say) have no file: they point at the input
          // folder, where no comment can justify them, so only a fix clears them.
          artifactLocation: {
            uri: toUri(issue.file === PROJECT_WIDE ? input : issue.file, options.workingDirectory),
          },
          // Electronegativity counts columns from 0 and reports some file-wide findings on line 0.
          region: { startLine: Math.max(1, issue.location.line), startColumn: issue.location.column + 1 },
        },
      },
    ],
    properties: {
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      manualReview: issue.manualReview ?? false,
    },
  }))
  return {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Electronegativity', version: electronegativityVersion() } },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            workingDirectory: { uri: pathToFileURL(options.workingDirectory).href },
            toolExecutionNotifications: notifications,
            properties: { filesScanned: files.length },
          },
        ],
        results,
      },
    ],
  }
}

function electronegativityVersion(): string {
  return z.object({ version: z.string() }).parse(requireHere('@doyensec/electronegativity/package.json'))
    .version
}

/** The Electron the app ships, so checks judge the defaults of that version rather than of Electron 0.1. */
export async function projectElectronVersion(packageJsonPath: string): Promise<string> {
  const manifest = z
    .object({ devDependencies: z.object({ electron: z.string().regex(/^\d+\.\d+\.\d+$/) }) })
    .parse(JSON.parse(await readFile(packageJsonPath, 'utf8')))
  return manifest.devDependencies.electron
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', default: 'src' },
      output: { type: 'string', default: DEFAULT_SARIF_PATH },
    },
  })
  const workingDirectory = process.cwd()
  const sarif = await scanToSarif({
    input: values.input,
    workingDirectory,
    electronVersion: await projectElectronVersion(join(workingDirectory, 'package.json')),
  })
  const output = resolve(workingDirectory, values.output)
  await mkdir(dirname(output), { recursive: true })
  await writeFile(output, `${JSON.stringify(sarif, null, 2)}\n`)
  const [run] = sarif.runs
  console.log(
    `Electronegativity scanned ${run?.invocations[0]?.properties.filesScanned ?? 0} files in ${values.input}: ` +
      `${run?.results.length ?? 0} findings; SARIF in ${values.output}. (Offline: its "Could not retrieve ` +
      `updated translations" line above is expected.)`,
  )
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
