import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Page } from '@playwright/test'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox'
import { launchWebHost, type RunningWebHost, type WebHostLaunch } from './web-host'

export const SANDBOX_KEY = 'sandbox-e2e-key-0123456789'

export interface KioskUnderTest {
  sandbox: Sandbox
  host: RunningWebHost
  dataDir: string
  /** Restarts the sandbox on the same port (after `sandbox.close()`), as a provider coming back would. */
  restartSandbox(): Promise<Sandbox>
  /**
   * Stops the web host (unless it already exited) and starts a new one on the same data folder, as a reboot
   * would; `host` then names the new one. Without `provision` the provisioning file is not passed again.
   */
  restartHost(options?: { signal?: NodeJS.Signals; provision?: boolean }): Promise<RunningWebHost>
  stop(): Promise<void>
}

/**
 * The kiosk as an operator would run it against a provider on a non-default port: a sandbox started here (so
 * the test can inject faults and count sessions) and the web host provisioned with its URL and key.
 */
export async function startKiosk(
  options: {
    sandbox?: SandboxOptions
    settings?: Record<string, unknown>
    /** The protocol the kiosk speaks to the sandbox (it serves both); the legacy suite stays on `heygen`. */
    kind?: 'heygen' | 'liveavatar'
    /** Extra environment for the web host process (kept across `restartHost`). */
    hostEnv?: NodeJS.ProcessEnv
  } = {},
): Promise<KioskUnderTest> {
  const sandboxOptions: SandboxOptions = { apiKey: SANDBOX_KEY, ...options.sandbox }
  let sandbox = await startSandbox(sandboxOptions)
  const sandboxPort = Number(new URL(sandbox.baseUrl).port)
  const dataDir = await mkdtemp(join(tmpdir(), 'kiosk-session-'))
  const config = join(dataDir, 'provision.json')
  const { avatar, provider, ...rest } = (options.settings ?? {}) as {
    avatar?: Record<string, unknown>
    provider?: Record<string, unknown>
  }
  await writeFile(
    config,
    JSON.stringify({
      provider: {
        kind: options.kind ?? 'heygen',
        baseUrl: sandbox.baseUrl,
        apiKey: SANDBOX_KEY,
        ...provider,
      },
      avatar: { quality: 'low', ...avatar },
      ...rest,
    }),
  )
  const launch: WebHostLaunch = { dataDir, config, env: options.hostEnv }
  let host = await launchWebHost(launch)
  const kiosk: KioskUnderTest = {
    get sandbox() {
      return sandbox
    },
    get host() {
      return host
    },
    dataDir,
    async restartSandbox() {
      sandbox = await startSandbox({ ...sandboxOptions, port: sandboxPort })
      return sandbox
    },
    async restartHost({ signal = 'SIGTERM', provision = false } = {}) {
      await host.stop(signal)
      host = await launchWebHost({ ...launch, config: provision ? config : undefined })
      return host
    },
    async stop() {
      await host.stop()
      await sandbox.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
  return kiosk
}

export async function sessionState(page: Page): Promise<{ state: string | null; id: string | null }> {
  return page.evaluate(() => ({
    state: document.documentElement.dataset.sessionState ?? null,
    id: document.documentElement.dataset.sessionId ?? null,
  }))
}

/** Waits until the kiosk is live, on a session other than `notId` when given, and returns its id. */
export async function waitForLive(page: Page, timeout: number, notId?: string): Promise<string> {
  await expect
    .poll(
      async () => {
        const { state, id } = await sessionState(page)
        return state === 'live' && id !== null && id !== notId
      },
      { timeout, intervals: [50] },
    )
    .toBe(true)
  return (await sessionState(page)).id as string
}

export function openSessions(sandbox: Sandbox): string[] {
  return sandbox
    .sessions()
    .filter((session) => session.state === 'open')
    .map((session) => session.id)
}
