import type { IncomingMessage } from 'node:http'
import { z } from 'zod'
import { faultSchema, type Fault, type FaultTable } from '../faults'
import { readJson } from '../http'
import type { SessionEndReason } from '../liveavatar/events'
import { LiveAvatarSession } from '../liveavatar/session'
import type { SandboxSessions } from '../session/sandbox-sessions'
import type { RoomSession } from '../session/room-session'

export const CONTROL_PREFIX = '/__sandbox'

export interface ControlContext {
  sessions: SandboxSessions
  faults: FaultTable
  health(): Record<string, unknown>
}

export interface ControlReply {
  status: number
  body: unknown
}

const userSaysSchema = z.object({ text: z.string().min(1) })
const USER_SAYS_PATH = /^\/__sandbox\/sessions\/([^/]+)\/user-says$/

/**
 * The sandbox's own API for tests and demos, for both protocols: inspect sessions, speak as the visitor,
 * inject faults.
 */
export async function handleControl(
  method: string,
  pathname: string,
  req: IncomingMessage,
  ctx: ControlContext,
): Promise<ControlReply> {
  if (method === 'GET' && pathname === `${CONTROL_PREFIX}/health`) return { status: 200, body: ctx.health() }
  if (method === 'GET' && pathname === `${CONTROL_PREFIX}/sessions`) {
    return { status: 200, body: ctx.sessions.snapshots() }
  }
  const userSays = USER_SAYS_PATH.exec(pathname)
  if (method === 'POST' && userSays) {
    const body = userSaysSchema.safeParse(await readJson(req))
    if (!body.success) return invalid(body.error)
    const session = ctx.sessions.get(decodeURIComponent(userSays[1]!))
    if (!session) return { status: 404, body: { error: 'no such session' } }
    if (!session.isOpen) return { status: 409, body: { error: 'session is closed' } }
    const result = session.userSays(body.data.text)
    return { status: 200, body: { task_id: result.taskId, answered: result.answered } }
  }
  if (pathname === `${CONTROL_PREFIX}/faults`) {
    if (method === 'GET') return { status: 200, body: ctx.faults.summary() }
    if (method === 'DELETE') {
      ctx.faults.clear()
      return { status: 200, body: { ok: true } }
    }
    if (method === 'POST') {
      const fault = faultSchema.safeParse(await readJson(req))
      if (!fault.success) return invalid(fault.error)
      return applyFault(fault.data, ctx)
    }
  }
  return { status: 404, body: { error: `no control route ${method} ${pathname}` } }
}

/** Arms a request fault, flips the refusal switch, or acts on live sessions at once. */
export function applyFault(fault: Fault, ctx: Pick<ControlContext, 'sessions' | 'faults'>): ControlReply {
  switch (fault.type) {
    case 'rest':
    case 'delay':
      if (!ctx.faults.arm(fault))
        return { status: 429, body: { error: 'too many armed faults: DELETE /__sandbox/faults first' } }
      return { status: 200, body: { ok: true, armed: fault } }
    case 'refuse-sessions':
      ctx.faults.refuseSessions = fault.on
      return { status: 200, body: { ok: true, refuseSessions: fault.on } }
    case 'disconnect':
    case 'drop-chat-socket': {
      const targets = targetSessions(fault.session, ctx.sessions)
      if (targets === undefined) return { status: 404, body: { error: 'no such open session' } }
      const affected = targets
        .filter((session) =>
          fault.type === 'disconnect' ? session.disconnectLiveKit() : session.dropChatSocket(),
        )
        .map((session) => session.id)
      return { status: 200, body: { ok: true, affected } }
    }
    case 'server-stop': {
      const targets = targetSessions(fault.session, ctx.sessions)
      if (targets === undefined) return { status: 404, body: { error: 'no such open session' } }
      const affected = targets
        .filter(
          (session) =>
            session instanceof LiveAvatarSession && session.serverStop(fault.reason as SessionEndReason),
        )
        .map((session) => session.id)
      return { status: 200, body: { ok: true, affected } }
    }
  }
}

function targetSessions(selector: string, sessions: SandboxSessions): RoomSession[] | undefined {
  if (selector === 'all') return sessions.open()
  const session = sessions.get(selector)
  return session?.isOpen ? [session] : undefined
}

function invalid(error: z.ZodError): ControlReply {
  return { status: 400, body: { error: z.prettifyError(error) } }
}
