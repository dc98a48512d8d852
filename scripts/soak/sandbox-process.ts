import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'

const READY_TIMEOUT_MS = 60_000

/**
 * The built sandbox (`node out/main/sandbox.js`, under the working directory) as a process of its own, so its memory and handles are its own
 * and a restart is a real one. Its control API is on: that is the CLI's default.
 */
export class SandboxProcess {
  private constructor(
    private child: ChildProcess,
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly onStderr: (line: string) => void,
  ) {}

  get pid(): number {
    return this.child.pid!
  }

  static async start(apiKey: string, onStderr: (line: string) => void, port = 0): Promise<SandboxProcess> {
    const { child, baseUrl } = await spawnSandbox(apiKey, port, onStderr)
    return new SandboxProcess(child, baseUrl, apiKey, onStderr)
  }

  /** Stops it and starts it again on the same port, as a provider coming back would. */
  async restart(): Promise<void> {
    await this.stop()
    const port = Number(new URL(this.baseUrl).port)
    this.child = (await spawnSandbox(this.apiKey, port, this.onStderr)).child
  }

  stop(): Promise<void> {
    const child = this.child
    return new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done()
      child.once('exit', () => done())
      child.kill('SIGTERM')
    })
  }

  async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    })
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: HTTP ${response.status}`)
    return response.json()
  }
}

async function spawnSandbox(
  apiKey: string,
  port: number,
  onStderr: (line: string) => void,
): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(
    process.execPath,
    [resolve('out/main/sandbox.js'), '--port', String(port), '--api-key', apiKey, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  createInterface({ input: child.stderr! }).on('line', onStderr)
  const baseUrl = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error('sandbox did not report ready within 60 s'))
    }, READY_TIMEOUT_MS)
    child.once('exit', (code) => fail(new Error(`sandbox exited early with ${code}`)))
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      const ready = JSON.parse(line) as { ready?: boolean; baseUrl?: string }
      if (ready.ready === true && typeof ready.baseUrl === 'string') done(ready.baseUrl)
      else fail(new Error(`unexpected first line from the sandbox: ${line}`))
    })
  })
  return { child, baseUrl }
}
