import { z } from 'zod'
import { SESSION_END_REASONS } from './liveavatar/events'

const path = z.string().startsWith('/').max(2048)
const target = z.string().min(1).max(200)

/** Armed faults of each kind (rest, delay) waiting at once; a test arms a handful, so more is a mistake. */
export const MAX_ARMED_FAULTS = 100

/** The control API's fault shapes; one fault per request. */
export const faultSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('rest'),
    path,
    status: z.number().int().min(100).max(599),
    times: z.number().int().positive().default(1),
    code: z.number().int().optional(),
    message: z.string().max(1000).optional(),
    /** Sent as Retry-After, e.g. with a 429. */
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  z.object({
    type: z.literal('delay'),
    path,
    ms: z.number().int().min(0).max(120_000),
    times: z.number().int().positive().default(1),
  }),
  z.object({ type: z.literal('disconnect'), session: target }),
  z.object({ type: z.literal('drop-chat-socket'), session: target }),
  z.object({ type: z.literal('refuse-sessions'), on: z.boolean() }),
  /** LiveAvatar: the provider ends the session itself (`session.stopped`, then the LiveKit leave). */
  z.object({
    type: z.literal('server-stop'),
    session: target,
    reason: z.enum(SESSION_END_REASONS as [string, ...string[]]).default('SERVER_ERROR'),
  }),
])

export type Fault = z.infer<typeof faultSchema>
export type RestFault = Extract<Fault, { type: 'rest' }>
export type DelayFault = Extract<Fault, { type: 'delay' }>

export interface InjectedFailure {
  status: number
  code: number
  message: string
  retryAfterSeconds: number | undefined
}

/**
 * Armed faults that wait for matching requests: `rest` answers the next `times` requests to a path with an
 * error, `delay` holds them back first. Paths match exactly, REST and the /rtc and chat-socket upgrades alike.
 */
export class FaultTable {
  private readonly failures: RestFault[] = []
  private readonly delays: DelayFault[] = []
  refuseSessions = false

  /** False, arming nothing, when MAX_ARMED_FAULTS of that kind are already waiting. */
  arm(fault: RestFault | DelayFault): boolean {
    const list: (RestFault | DelayFault)[] = fault.type === 'rest' ? this.failures : this.delays
    if (list.length >= MAX_ARMED_FAULTS) return false
    list.push({ ...fault })
    return true
  }

  takeFailure(requestPath: string): InjectedFailure | undefined {
    const fault = take(this.failures, requestPath)
    if (!fault) return undefined
    return {
      status: fault.status,
      code: fault.code ?? fault.status,
      message: fault.message ?? `Injected sandbox fault (${fault.status})`,
      retryAfterSeconds: fault.retryAfterSeconds,
    }
  }

  takeDelayMs(requestPath: string): number {
    return take(this.delays, requestPath)?.ms ?? 0
  }

  clear(): void {
    this.failures.length = 0
    this.delays.length = 0
    this.refuseSessions = false
  }

  summary(): { rest: RestFault[]; delay: DelayFault[]; refuseSessions: boolean } {
    return { rest: [...this.failures], delay: [...this.delays], refuseSessions: this.refuseSessions }
  }
}

/** Spends one use of the first armed fault for the path, dropping it when used up. */
function take<F extends { path: string; times: number }>(faults: F[], requestPath: string): F | undefined {
  const index = faults.findIndex((fault) => fault.path === requestPath)
  if (index < 0) return undefined
  const fault = faults[index]!
  fault.times -= 1
  if (fault.times <= 0) faults.splice(index, 1)
  return fault
}
