import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

export interface RunningWebHost {
  url: string
  origin: string
  token: string
  port: number
  dataDir: string
  /** Milliseconds from spawn to the ready line. */
  readyAfterMs: number
  stdoutLines: string[]
  stderr(): string
  process: ChildProcess
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export interface WebHostLaunch {
  dataDir?: string
  config?: string
  extraArgs?: string[]
  env?: NodeJS.ProcessEnv
  readyTimeoutMs?: number
}

/** Starts the built web host (`out/main/web.js`) exactly as `npm run web` does, and waits for its ready line. */
export async function launchWebHost(options: WebHostLaunch = {}): Promise<RunningWebHost> {
  const ownsDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'kiosk-web-')))
  const args = [resolve('out/main/web.js'), '--port', '0', '--data-dir', dataDir]
  if (options.config) args.push('--config', options.config)
  args.push(...(options.extraArgs ?? []))
  const started = Date.now()
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const stdoutLines: string[] = []
  const lines = createInterface({ input: child.stdout! })
  lines.on('line', (line) => stdoutLines.push(line))

  const ready = await new Promise<{ url: string }>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`web host not ready within ${options.readyTimeoutMs ?? 15_000} ms:\n${stderr}`)),
      options.readyTimeoutMs ?? 15_000,
    )
    lines.once('line', (line) => {
      clearTimeout(timer)
      try {
        done(JSON.parse(line) as { url: string })
      } catch {
        fail(new Error(`unexpected first stdout line: ${line}`))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`web host exited with ${code}:\n${stderr}`))
    })
  })
  const readyAfterMs = Date.now() - started
  const url = new URL(ready.url)
  return {
    url: ready.url,
    origin: url.origin,
    token: url.searchParams.get('token') ?? '',
    port: Number(url.port),
    dataDir,
    readyAfterMs,
    stdoutLines,
    stderr: () => stderr,
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
        child.kill(signal)
        const code = await exited
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true })
        return code
      }
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true })
      return child.exitCode
    },
  }
}

/** Calls the bridge over HTTP the way the renderer's client does. */
export async function bridgeCall(
  host: RunningWebHost,
  name: string,
  request?: unknown,
): Promise<{
  ok: boolean
  value?: unknown
  error?: { code: string; message: string; fields?: { path: string }[] }
}> {
  const response = await fetch(`${host.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Kiosk-Token': host.token },
    body: JSON.stringify({ request }),
  })
  return (await response.json()) as { ok: boolean; value?: unknown }
}
