import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createAppServices } from '../app-services'
import { EXIT_CODES } from '../exit-codes'
import { manualAutostart } from '../services/autostart'
import { systemdUnitPath, webHostInstructions } from '../services/autostart-files'
import { EmbeddedSandbox } from '../services/embedded-sandbox'
import { createLogger } from '../services/logger'
import { applyProvisioningFile, ProvisioningError } from '../services/provisioning'
import { startFailureLine } from '../services/start-failure'
import { webHostDataDir } from './data-dir'
import { createNodeLogSink, nodeHostAdapters, repositoryResource } from './node-host'
import { startWebHost } from './server'

const USAGE = 'Usage: npm run web -- [--port 0] [--data-dir DIR] [--config FILE]'

/** The keys a start failure must not print; known once the services have loaded the secrets. */
let knownSecrets: () => Iterable<string> = () => []

function fail(message: string, code: number = EXIT_CODES.invalidConfig): never {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

async function main(): Promise<void> {
  let args
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        'renderer-dir': { type: 'string' },
      },
      strict: true,
    }).values
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`)
  }
  const port = Number(args.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535.\n${USAGE}`)
  const dataDir = webHostDataDir(args['data-dir'])
  const rendererDir = resolve(args['renderer-dir'] ?? join(import.meta.dirname, '..', 'renderer'))

  const logSink = createNodeLogSink(dataDir, true)
  const sandbox = new EmbeddedSandbox(createLogger(logSink, () => [], 'sandbox'))
  const autostart = manualAutostart(
    webHostInstructions(
      { nodePath: process.execPath, repoDir: dirname(repositoryResource()), dataDir },
      systemdUnitPath(process.env, homedir()),
    ),
  )
  const services = await createAppServices({ ...nodeHostAdapters(dataDir, logSink), sandbox, autostart })
  knownSecrets = () => services.secrets.knownValues()

  if (args.config !== undefined) {
    try {
      await applyProvisioningFile(resolve(args.config), services)
      // A provisioned PIN protects the panel from this start on, not from the next unlock.
      await services.admin.adoptProvisionedPin()
    } catch (error) {
      if (!(error instanceof ProvisioningError)) throw error
      const details = error.fields.map((field) => `  ${field.path}: ${field.message}`).join('\n')
      fail(`${error.message}\n${details}`)
    }
  }

  await services.provider.prepare()
  const host = await startWebHost({
    services,
    rendererDir,
    port,
    onClientGone: (clientId) => {
      services.conversation.forget(clientId)
      void services.sessions.stopOrphans(clientId, 'page closed')
    },
  })
  process.stdout.write(`${JSON.stringify({ ready: true, url: host.url })}\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    services.log.info('web host stopping', { signal })
    await host.close()
    await services.close()
    process.exit(EXIT_CODES.stopped)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error: unknown) =>
  fail(startFailureLine('The web host', error, knownSecrets()), EXIT_CODES.startFailed),
)
