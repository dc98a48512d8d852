import { applyFault } from './control/routes'
import { faultSchema } from './faults'
import { resolveOptions, type SandboxOptions } from './options'
import { checkPrerequisites } from './prerequisites'
import { SandboxServer } from './server'
import type { SessionSnapshot } from './session/session'

export type { LogLevel, SandboxLogger, SandboxOptions, VideoCodec } from './options'
export type { Fault } from './faults'
export type { SessionSnapshot } from './session/session'
export { SandboxPrerequisiteError } from './prerequisites'

export interface Sandbox {
  /** e.g. http://127.0.0.1:43125: the provider base URL for the SDK, and the control API's root. */
  baseUrl: string
  port: number
  /** The same data as GET /__sandbox/sessions. */
  sessions(): SessionSnapshot[]
  /** The same as POST /__sandbox/sessions/{id}/user-says; throws for an unknown or closed session. */
  userSays(sessionId: string, text: string): { taskId: string; answered: boolean }
  /** The same as POST /__sandbox/faults; accepts the same shapes. */
  injectFault(fault: unknown): void
  /** Process ids of running ffmpeg / espeak-ng children, for leak checks. */
  childPids(): number[]
  /** Ends every session (LiveKit leave), kills every child process, closes every socket. */
  close(): Promise<void>
}

/** Starts a HeyGen-compatible sandbox in this process. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options)
  await checkPrerequisites(resolved.codec)
  const server = new SandboxServer(resolved)
  const address = await server.listen()
  const host = ['0.0.0.0', '::', ''].includes(resolved.host) ? '127.0.0.1' : resolved.host
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  resolved.log('info', 'sandbox listening', {
    baseUrl,
    codec: resolved.codec,
    maxConcurrent: resolved.maxConcurrent,
  })
  let closing: Promise<void> | undefined
  return {
    baseUrl,
    port: address.port,
    sessions: () => server.sessions.snapshots(),
    userSays: (sessionId, text) => {
      const session = server.sessions.get(sessionId)
      if (!session?.isOpen) throw new Error(`no open session ${sessionId}`)
      return session.userSays(text)
    },
    injectFault: (fault) => {
      const reply = applyFault(faultSchema.parse(fault), server)
      if (reply.status !== 200) throw new Error(`fault not applied: ${JSON.stringify(reply.body)}`)
    },
    childPids: () => server.processes.pids(),
    close: () => (closing ??= server.close()),
  }
}
