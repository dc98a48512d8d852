import type { DiagnosticCheck } from '../../../shared/diagnostics'
import type { Logger } from '../logger'
import type { ProviderAccess } from '../provider-access'
import type { SecretStore } from '../secrets'
import type { SettingsService } from '../settings'
import { problemLine } from './check-line'
import { checkDisk, type StatFs } from './disk-check'
import { checkLlm } from './llm-check'
import { checkProvider, type ProbeOptions, type ProviderProbeTarget } from './provider-check'
import { checkVersions, runtimeVersions, type RuntimeVersions } from './versions-check'

export interface DiagnosticsDependencies {
  settings: SettingsService
  secrets: Pick<SecretStore, 'get'>
  provider: Pick<ProviderAccess, 'kind' | 'target'>
  log: Logger
  /** The folder with the settings, logs and usage record: the one whose free space matters. */
  dataDir: string
  versions?: () => RuntimeVersions
  statfs?: StatFs
  probe?: ProbeOptions
}

/** The checks of "Check this kiosk" that need main: the keys, the disk, the runtime. */
export class DiagnosticsService {
  constructor(private readonly deps: DiagnosticsDependencies) {}

  async run(): Promise<DiagnosticCheck[]> {
    const { dataDir, statfs, versions = runtimeVersions, probe } = this.deps
    const checks = await Promise.all([
      checkVersions(versions()),
      checkDisk(dataDir, statfs),
      this.providerTarget().then((target) =>
        target ? checkProvider(target, probe) : unreadableKey('provider'),
      ),
      this.llmCheck(probe),
    ])
    // Status and latency only: the same figures the page shows, never a key or a body.
    this.deps.log.info('diagnostics run', {
      results: checks
        .map(
          ({ id, status, latencyMs }) => `${id}:${status}${latencyMs !== undefined ? `:${latencyMs}ms` : ''}`,
        )
        .join(' '),
    })
    return checks
  }

  private async providerTarget(): Promise<ProviderProbeTarget | undefined> {
    const { provider } = this.deps
    const availability = provider.kind()
    if (availability !== 'configured') return { availability }
    try {
      const { kind, baseUrl, apiKey } = await provider.target()
      return { availability, kind, baseUrl, apiKey }
    } catch {
      return undefined
    }
  }

  private async llmCheck(probe: ProbeOptions | undefined): Promise<DiagnosticCheck> {
    const settings = this.deps.settings.get()
    const inUse =
      settings.conversation.mode === 'llm' ||
      (settings.provider.kind === 'liveavatar' && settings.provider.liveavatar.mode === 'lite')
    let apiKey: string | undefined
    try {
      apiKey = await this.deps.secrets.get('llmApiKey')
    } catch {
      return unreadableKey('llm')
    }
    return checkLlm({ baseUrl: settings.llm.baseUrl, apiKey, inUse }, probe)
  }
}

function unreadableKey(which: 'provider' | 'llm'): DiagnosticCheck {
  const [label, section] =
    which === 'provider' ? ['Avatar service', 'Avatar service'] : ['LLM server', 'Conversation']
  return problemLine('fail', {
    id: which,
    label,
    detail: 'The stored key can no longer be read.',
    fix: `Enter the key again in ${section}.`,
  })
}
