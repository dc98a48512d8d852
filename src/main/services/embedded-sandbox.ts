import { randomBytes } from 'node:crypto'
import { BridgeError } from '../../shared/result'
import { SandboxPrerequisiteError, startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox'
import type { Logger } from './logger'
import type { SandboxProvider } from './provider-access'

/**
 * The built-in offline provider, started in this process the first time it is needed. It serves both
 * protocols (legacy Interactive Avatar and LiveAvatar) at one URL, and gets a random key per launch, so it
 * checks the API key header like the real providers do.
 */
export class EmbeddedSandbox implements SandboxProvider {
  private readonly apiKey = randomBytes(24).toString('base64url')
  private starting: Promise<Sandbox> | undefined
  private started: Sandbox | undefined

  constructor(
    private readonly log: Logger,
    private readonly options: Omit<SandboxOptions, 'apiKey' | 'log'> = {},
  ) {}

  get baseUrl(): string | undefined {
    return this.started?.baseUrl
  }

  async ensureStarted(): Promise<{ baseUrl: string; apiKey: string }> {
    this.starting ??= startSandbox({
      // Inside the kiosk nothing needs the control API (tests use the in-process handle), so none is served.
      controlApi: false,
      ...this.options,
      apiKey: this.apiKey,
      log: (level, message, context) => this.log[level](message, context),
    })
    try {
      this.started = await this.starting
      return { baseUrl: this.started.baseUrl, apiKey: this.apiKey }
    } catch (error) {
      this.starting = undefined
      this.log.error('the built-in sandbox could not start', { error })
      if (error instanceof SandboxPrerequisiteError) {
        throw new BridgeError({
          code: 'not-configured',
          message: `${error.message} Or add the avatar service's API key in the admin settings.`,
        })
      }
      throw new BridgeError({ code: 'unreachable', message: 'The built-in sandbox avatar could not start.' })
    }
  }

  async close(): Promise<void> {
    const sandbox = await this.starting?.catch(() => undefined)
    await sandbox?.close()
  }
}
