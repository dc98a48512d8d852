import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SessionRegistry, type SessionObserver } from '../../../../src/main/services/session-registry'
import { useLoopbackServers } from '../../support/loopback-server'
import { memoryLogger } from '../../support/memory-log'
import { useTempDirs } from '../../support/temp-dir'
import { ledgerAt } from './support'

const serve = useLoopbackServers()
const tempDir = useTempDirs()

async function provider() {
  return serve((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end('{"code":1000}')
  })
}

function recordingObserver() {
  const seen: string[] = []
  const observer: SessionObserver = {
    sessionStarted: (id, session) =>
      seen.push(`start ${id} ${session.kind} ${session.mode ?? '-'} ${session.sandbox}`),
    sessionEnded: (id, endedBy) => seen.push(`end ${id} ${endedBy}`),
  }
  return { seen, observer }
}

describe('the session registry tells the usage ledger when sessions start and end', () => {
  it('from the page’s started report to its stopped or abandoned report, once each', async () => {
    const server = await provider()
    const { seen, observer } = recordingObserver()
    const registry = new SessionRegistry(memoryLogger(), { observer })
    const target = { kind: 'liveavatar' as const, baseUrl: server.baseUrl, token: 't', sandbox: true }
    const first = await registry.issue('web:a', { ...target, sessionId: 's1', mode: 'lite' })
    const second = await registry.issue('web:a', { ...target, sessionId: 's2', mode: 'full' })
    const neverStarted = await registry.issue('web:a', { ...target, sessionId: 's3' })
    expect(seen).toEqual([]) // a minted token is not a session yet

    registry.report('web:a', first, 's1', 'started')
    registry.report('web:a', first, 's1', 'started')
    registry.report('web:a', second, 's2', 'started')
    registry.report('web:a', first, 's1', 'stopped')
    registry.report('web:a', second, 's2', 'abandoned')
    registry.report('web:a', neverStarted, 's3', 'stopped')
    registry.report('web:b', first, 's1', 'stopped') // unknown lease: ignored
    await registry.stopAll('test')
    expect(seen).toEqual([
      `start ${first} liveavatar lite true`,
      `start ${second} liveavatar full true`,
      `end ${first} stopped`,
      `end ${second} abandoned`,
    ])
  })

  it('until main stops it: the page went away, or shutdown', async () => {
    const server = await provider()
    const { seen, observer } = recordingObserver()
    const registry = new SessionRegistry(memoryLogger(), { observer })
    const target = { kind: 'heygen' as const, baseUrl: server.baseUrl, token: 't', sandbox: false }
    const gone = await registry.issue('web:gone', target)
    const open = await registry.issue('web:open', target)
    await registry.issue('web:open', target) // minted, never started: nothing to count
    registry.report('web:gone', gone, 'legacy-1', 'started')
    registry.report('web:open', open, 'legacy-2', 'started')

    expect(await registry.stopOrphans('web:gone', 'page closed')).toBe(1)
    expect(seen.at(-1)).toBe(`end ${gone} main`)
    await registry.stopAll('shutdown')
    expect(seen).toEqual([
      `start ${gone} heygen - false`,
      `start ${open} heygen - false`,
      `end ${gone} main`,
      `end ${open} main`,
    ])
  })

  it('so the ledger counts a session’s minutes from start to end', async () => {
    const server = await provider()
    const { ledger, advance } = ledgerAt(join(await tempDir(), 'usage-ledger.json'), '2026-11-30T10:00:00Z')
    const registry = new SessionRegistry(memoryLogger(), { observer: ledger })
    const lease = await registry.issue('web:a', {
      kind: 'liveavatar',
      baseUrl: server.baseUrl,
      token: 't',
      sandbox: false,
      sessionId: 's1',
      mode: 'full',
    })
    advance(1) // connecting: not billed, not counted
    registry.report('web:a', lease, 's1', 'started')
    advance(7)
    registry.report('web:a', lease, 's1', 'stopped')
    await ledger.flush()
    expect(ledger.report(1).totals).toMatchObject({ sessions: 1, sessionMinutes: 7, estimatedCredits: 14 })
    await ledger.close()
  })
})
