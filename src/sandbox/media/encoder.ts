import type { ChildProcess } from 'node:child_process'
import type { SandboxLogger } from '../options'
import { stopProcess, type ProcessRegistry } from '../processes'
import { selectedFfmpeg } from '../tools/selection'

/**
 * One ffmpeg fed on stdin. Writes after it died are dropped: the session notices via the log, not a crash.
 * The binary is the one checkPrerequisites chose (system or npm), unless `command` names another.
 */
export class Encoder {
  private readonly child: ChildProcess
  private alive = true
  private stopping = false

  constructor(
    registry: ProcessRegistry,
    args: readonly string[],
    name: string,
    log: SandboxLogger,
    command: string = selectedFfmpeg().path,
  ) {
    this.child = registry.spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] })
    this.child.stderr?.setEncoding('utf8')
    this.child.stderr?.on('data', (text: string) => log('warn', `${name}: ${text.trim()}`))
    this.child.once('exit', (code, signal) => {
      this.alive = false
      if (!this.stopping) log('warn', `${name} exited unexpectedly`, { code, signal })
    })
    this.child.once('error', (error) => {
      this.alive = false
      log('error', `${name} failed to start`, { error: String(error) })
    })
  }

  /** Bytes written but not yet taken by ffmpeg: a growing backlog means the encoder cannot keep up. */
  get backlog(): number {
    return this.child.stdin?.writableLength ?? 0
  }

  write(chunk: Uint8Array): void {
    if (!this.alive || !this.child.stdin?.writable) return
    this.child.stdin.write(chunk)
  }

  stop(): Promise<void> {
    this.alive = false
    this.stopping = true
    return stopProcess(this.child)
  }
}
