import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DiagnosticsService } from '../../../../src/main/services/diagnostics/diagnostics-service'
import { ProviderAccess } from '../../../../src/main/services/provider-access'
import { SecretStore, filePermissionsOnlyCipher } from '../../../../src/main/services/secrets'
import { SettingsService } from '../../../../src/main/services/settings'
import { DiagnosticCheckSchema } from '../../../../src/shared/diagnostics'
import { closedPort, useLoopbackServers } from '../../support/loopback-server'
import { memoryLogger } from '../../support/memory-log'
import { settingsDocument } from '../../support/settings-store'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const serve = useLoopbackServers()
const PROVIDER_KEY = 'la-service-diagnostics-key-31337'
const LLM_KEY = 'sk-service-diagnostics-key-27182'

function ok(_request: unknown, response: ServerResponse) {
  response.writeHead(200, { 'Content-Type': 'application/json' })
  response.end('{"results":[]}')
}

async function setup() {
  const dir = await tempDir()
  const log = memoryLogger()
  const settings = new SettingsService(settingsDocument(dir), log)
  const secrets = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
  const provider = new ProviderAccess(settings, secrets, log)
  const service = new DiagnosticsService({
    settings,
    secrets,
    provider,
    log,
    dataDir: dir,
    versions: () => ({ app: '9.8.7', node: '20.1.0' }),
  })
  return { dir, log, settings, secrets, service }
}

describe('DiagnosticsService', () => {
  it('runs versions, disk, provider and LLM with the stored keys; logs statuses, never a key', async () => {
    const { log, settings, secrets, service } = await setup()
    const provider = await serve(ok)
    settings.update({
      provider: { kind: 'liveavatar', baseUrl: provider.baseUrl },
      conversation: { mode: 'llm' },
      llm: { baseUrl: `http://127.0.0.1:${await closedPort()}/v1` },
    })
    await secrets.set('providerApiKey', PROVIDER_KEY)
    await secrets.set('llmApiKey', LLM_KEY)

    const checks = await service.run()
    for (const check of checks) DiagnosticCheckSchema.parse(check)
    expect(checks.map((check) => [check.id, check.status])).toEqual([
      ['versions', 'pass'],
      ['disk', expect.stringMatching(/^(pass|warn|fail)$/)],
      ['provider', 'pass'],
      ['llm', 'fail'],
    ])
    expect(checks[0]?.detail).toBe('App 9.8.7 · web host (no Electron) · Node 20.1.0')
    expect(provider.requests[0]?.headers['x-api-key']).toBe(PROVIDER_KEY)
    const everything = JSON.stringify({ checks, log: log.entries })
    expect(everything).not.toContain(PROVIDER_KEY)
    expect(everything).not.toContain(LLM_KEY)
    expect(log.entries.find((entry) => entry.message === 'diagnostics run')?.context?.results).toMatch(
      /provider:pass:\d+ms llm:fail/,
    )
  })

  it('says "not in use" for the LLM without a key, and fails the provider without one', async () => {
    const { service } = await setup()
    const checks = await service.run()
    expect(checks.find((check) => check.id === 'provider')).toMatchObject({ status: 'fail' })
    expect(checks.find((check) => check.id === 'llm')).toMatchObject({ status: 'warn' })
  })
})
