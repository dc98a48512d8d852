import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../../src/sandbox/index'
import { TOKEN_LIMITS, TokenStore } from '../../../src/sandbox/heygen/tokens'
import { ProcessRegistry } from '../../../src/sandbox/processes'
import { CLOSED_HISTORY_LIMIT, SandboxSessions } from '../../../src/sandbox/session/sandbox-sessions'
import { MAX_TASKS_IN_FLIGHT, type RoomSession } from '../../../src/sandbox/session/room-session'
import { appendTask, TASK_LOG_LIMITS, type TaskRecord } from '../../../src/sandbox/session/task-log'
import { Slots } from '../../../src/sandbox/speech/slots'
import { SYNTHESIS_LIMITS, synthesize, SynthesisTimeoutError } from '../../../src/sandbox/speech/tts'

/** The sandbox bounds its work and memory: tasks in flight, task logs, remembered sessions, synthesis. */

describe('task log', () => {
  it('truncates each text and keeps only the newest records', () => {
    const log: TaskRecord[] = []
    appendTask(log, 'repeat', 'x'.repeat(TASK_LOG_LIMITS.maxTextChars * 3), 1)
    expect(log[0]!.text).toHaveLength(TASK_LOG_LIMITS.maxTextChars)
    for (let i = 0; i < TASK_LOG_LIMITS.maxRecords + 50; i++) appendTask(log, 'talk', `task ${i}`, i)
    expect(log).toHaveLength(TASK_LOG_LIMITS.maxRecords)
    expect(log.at(-1)!.text).toBe(`task ${TASK_LOG_LIMITS.maxRecords + 49}`)
    expect(log[0]!.text).toBe('task 50')
  })
})

describe('session registry', () => {
  const fake = (id: string, open: boolean): RoomSession =>
    ({ id, isOpen: open, config: { livekitToken: id } }) as unknown as RoomSession

  it('remembers at most the limit of closed sessions, the newest, and every open one', () => {
    const registry = new SandboxSessions(3)
    registry.add(fake('open-1', true))
    for (let i = 0; i < 6; i++) registry.add(fake(`closed-${i}`, false))
    registry.add(fake('open-2', true))
    registry.forgetOldClosed()
    expect(registry.all().map((session) => session.id)).toEqual([
      'open-1',
      'closed-3',
      'closed-4',
      'closed-5',
      'open-2',
    ])
  })

  it('defaults to a bounded history', () => {
    expect(CLOSED_HISTORY_LIMIT).toBeLessThanOrEqual(100)
    const registry = new SandboxSessions()
    for (let i = 0; i < CLOSED_HISTORY_LIMIT + 10; i++) registry.add(fake(`c${i}`, false))
    registry.forgetOldClosed()
    expect(registry.all()).toHaveLength(CLOSED_HISTORY_LIMIT)
  })
})

describe('legacy token store', () => {
  it('remembers at most the limit of unused and of claimed tokens, forgetting the oldest', () => {
    const store = new TokenStore()
    const first = store.issue()
    for (let i = 0; i < TOKEN_LIMITS.maxUnused; i++) store.issue()
    expect(store.status(first)).toBe('unknown')
    const claimed: string[] = []
    for (let i = 0; i <= TOKEN_LIMITS.maxClaimed; i++) {
      const token = store.issue()
      store.claim(token, `session-${i}`)
      claimed.push(token)
    }
    expect(store.status(claimed[0]!)).toBe('unknown')
    expect(store.sessionOf(claimed.at(-1)!)).toBe(`session-${TOKEN_LIMITS.maxClaimed}`)
    expect(store.status(claimed[1]!)).toBe('used')
  })
})

describe('slots', () => {
  it('runs at most max at once, first come first served', async () => {
    const slots = new Slots(2)
    const order: number[] = []
    let peak = 0
    const releases: (() => void)[] = []
    const jobs = [0, 1, 2, 3, 4].map((n) =>
      slots.run(async () => {
        order.push(n)
        peak = Math.max(peak, slots.running)
        await new Promise<void>((resolve) => releases.push(resolve))
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(order).toEqual([0, 1])
    expect(slots.queued).toBe(3)
    while (releases.length > 0 || order.length < 5) {
      releases.shift()?.()
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    await Promise.all(jobs)
    expect(order).toEqual([0, 1, 2, 3, 4])
    expect(peak).toBe(2)
    expect(slots.running).toBe(0)
  })
})

describe.skipIf(process.platform === 'win32')('espeak-ng binary limits', () => {
  let dir: string
  let hang: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-limits-'))
    hang = join(dir, 'espeak-hang')
    // exec: the signal reaches the sleeping process itself, not a shell that leaves it orphaned.
    await writeFile(hang, `#!/bin/sh\necho run >> '${join(dir, 'runs')}'\nexec sleep 30\n`)
    await chmod(hang, 0o755)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('kills a hung espeak-ng after the timeout, without retrying in the fallback voice', async () => {
    const registry = new ProcessRegistry()
    const tool = { kind: 'binary', source: 'override', path: hang } as const
    const started = Date.now()
    const voice = { language: 'de', variant: 'm3', rate: 1 } as const
    const spoken = synthesize(registry, 'Hallo', voice, tool, 300)
    await expect(spoken).rejects.toBeInstanceOf(SynthesisTimeoutError)
    expect(Date.now() - started).toBeLessThan(2500)
    await expect.poll(() => registry.size, { timeout: 3000 }).toBe(0)
    expect((await readFile(join(dir, 'runs'), 'utf8')).trim().split('\n')).toHaveLength(1)
    await registry.closeAll()
  })

  it('runs only a few syntheses at once', async () => {
    const registry = new ProcessRegistry()
    const tool = { kind: 'binary', source: 'override', path: hang } as const
    const voice = { language: 'en-us', variant: 'f3', rate: 1 } as const
    const calls = Array.from({ length: SYNTHESIS_LIMITS.maxConcurrent + 3 }, () =>
      synthesize(registry, 'Hello', voice, tool, 800).catch((error: unknown) => error),
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(registry.size).toBe(SYNTHESIS_LIMITS.maxConcurrent)
    for (const result of await Promise.all(calls)) expect(result).toBeInstanceOf(SynthesisTimeoutError)
    await registry.closeAll()
  })
})

describe('speech tasks in flight', () => {
  const API_KEY = 'limits-key'
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, apiKey: API_KEY })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  async function post(path: string, body: unknown, auth: Record<string, string>): Promise<Response> {
    return fetch(`${sandbox.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(body),
    })
  }

  it('refuses tasks beyond the bound with a provider-like 429, and accepts again after an interrupt', async () => {
    const token = (
      (await (await post('/v1/streaming.create_token', {}, { 'x-api-key': API_KEY })).json()) as {
        data: { token: string }
      }
    ).data.token
    const auth = { authorization: `Bearer ${token}` }
    const created = (await (await post('/v1/streaming.new', {}, auth)).json()) as {
      data: { session_id: string }
    }
    const sessionId = created.data.session_id
    const task = (): Promise<Response> =>
      post(
        '/v1/streaming.task',
        {
          session_id: sessionId,
          // About 30 s of speech each: none finishes (and frees its place) while the test runs, even slowly.
          text: 'A sentence long enough to keep the queue busy. '.repeat(10),
          task_type: 'repeat',
          task_mode: 'async',
        },
        auth,
      )
    const replies = await Promise.all(Array.from({ length: MAX_TASKS_IN_FLIGHT + 4 }, task))
    const statuses = replies.map((reply) => reply.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(MAX_TASKS_IN_FLIGHT)
    const refused = replies.filter((reply) => reply.status === 429)
    expect(refused).toHaveLength(4)
    const body = (await refused[0]!.json()) as { code: number; message: string; data: null }
    expect(body).toMatchObject({ code: 10009, data: null })
    expect(body.message).toMatch(/too many tasks/i)
    expect(sandbox.sessions()[0]!.tasks).toHaveLength(MAX_TASKS_IN_FLIGHT)

    expect((await post('/v1/streaming.interrupt', { session_id: sessionId }, auth)).status).toBe(200)
    expect((await task()).status).toBe(200)
    await post('/v1/streaming.stop', { session_id: sessionId }, auth)
  }, 30_000)
})
