import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

const KILL_GRACE_MS = 1000

/**
 * Every ffmpeg and espeak-ng the sandbox starts goes through here, so close() can prove none is left behind.
 * (espeak-ng's WebAssembly build runs in a shared worker thread instead, which is no process to track.)
 * Encoders read stdin, so they also exit on their own if this process dies and the pipe closes.
 */
export class ProcessRegistry {
  private readonly running = new Set<ChildProcess>()
  private closed = false

  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    if (this.closed) throw new Error('sandbox is closing: refusing to start a process')
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options })
    this.running.add(child)
    child.once('exit', () => this.running.delete(child))
    child.once('error', () => this.running.delete(child))
    // EPIPE when a process dies mid-write must not crash the sandbox; the owner sees 'exit'.
    child.stdin?.on('error', () => {})
    return child
  }

  /** True once closeAll began: in-process work (the wasm speech synthesizer) checks it like spawn does. */
  get closing(): boolean {
    return this.closed
  }

  get size(): number {
    return this.running.size
  }

  pids(): number[] {
    return [...this.running].flatMap((child) => (child.pid === undefined ? [] : [child.pid]))
  }

  async closeAll(): Promise<void> {
    this.closed = true
    await Promise.all([...this.running].map((child) => stopProcess(child)))
  }
}

/** ffmpeg ignores SIGTERM while blocked on a stdin read, so end stdin first, then escalate. */
export function stopProcess(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve()
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    const done = (): void => {
      clearTimeout(timer)
      resolve()
    }
    child.once('exit', done)
    child.once('error', done)
    child.stdin?.end()
    child.kill('SIGTERM')
  })
}
