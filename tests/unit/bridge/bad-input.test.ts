import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { CALL_NAMES, bridgeCalls, type CallName } from '../../../src/shared/contract'
import { badCases, validRequests, type RequestTargets } from '../support/bad-payloads'
import { memorySink } from '../support/memory-log'

const context = { clientId: 'web:bad-input-client' }
const PIN = '24681357'
const LLM_KEY = 'sk-bad-input-llm-key-0000001'

/**
 * Every bridge call, through the real handlers and stores of a kiosk, with payloads of the wrong type, shape
 * or size: each gets a typed `invalid-request` naming the field, and nothing the kiosk holds changes.
 */
let services: AppServices
let dataDir: string
let targets: RequestTargets
const sizes = {
  hugeString: 'A'.repeat(10 * 1024 * 1024),
  hugeArray: new Array(1_000_000).fill(0),
  manyKeys: 100_000,
  hugeInEveryField: true,
}

/** Everything a slipped-through call could change: the settings view, the stores on disk, the open sessions. */
async function kioskState() {
  const view = await services.dispatch('getSettings', undefined, context)
  const files = Object.fromEntries(
    await Promise.all(
      (await readdir(dataDir))
        .filter((name) => name.endsWith('.json'))
        .map(async (name) => [name, await readFile(join(dataDir, name), 'utf8')] as const),
    ),
  )
  return {
    view,
    files,
    sessions: services.sessions.openSessions(),
    llmKey: await services.secrets.get('llmApiKey'),
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kiosk-bad-input-'))
  services = await createAppServices(nodeHostAdapters(dataDir, memorySink().sink))
  // A kiosk in use: a PIN set and the panel unlocked (so a call that slipped through would act), a key, a
  // changed setting and an open session.
  await services.admin.setPin(PIN)
  await services.secrets.set('llmApiKey', LLM_KEY)
  services.settings.update({ avatar: { quality: 'low' }, llm: { baseUrl: 'http://127.0.0.1:9/v1' } })
  const sessionId = 'session-open-1'
  const lease = await services.sessions.issue(context.clientId, {
    kind: 'liveavatar',
    baseUrl: 'http://127.0.0.1:9',
    token: 'session-token-1',
    sandbox: true,
    sessionId,
  })
  services.sessions.report(context.clientId, lease, sessionId, 'started')
  await services.usage.flush() // the usage ledger's write of the session start, before any state is taken
  targets = { lease, sessionId }
})

// The one session is made up: report it stopped (so nothing calls its port) before closing the services.
afterAll(async () => {
  services.sessions.report(context.clientId, targets.lease, targets.sessionId, 'stopped')
  await services.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('bad input at the bridge', () => {
  it('starts from valid requests, so each case below is wrong in one place only', () => {
    const valid = validRequests(targets) as Record<CallName, unknown>
    for (const name of CALL_NAMES) {
      expect(bridgeCalls[name].request.safeParse(valid[name]).success, name).toBe(true)
    }
    expect(services.admin.isLocked()).toBe(false)
    expect(services.sessions.openSessions()).toHaveLength(1)
  })

  it.each(CALL_NAMES)(
    '%s: every bad payload gets invalid-request with its field, and nothing changes',
    async (name) => {
      const before = await kioskState()
      const mine = badCases(targets, sizes, name)
      expect(mine.length).toBeGreaterThan(5)
      const wrong: string[] = []
      for (const entry of mine) {
        const result = await services.dispatch(name, entry.payload, context)
        const paths = result.ok ? [] : (result.error.fields ?? []).map((field) => field.path)
        const named = paths.some((path) =>
          typeof entry.path === 'string' ? path === entry.path : entry.path.test(path),
        )
        if (result.ok || result.error.code !== 'invalid-request' || !named) {
          wrong.push(
            `${entry.label}: ${result.ok ? 'accepted' : `${result.error.code} [${paths.join(', ')}]`}`,
          )
        }
        // The error names the field; it never echoes the input back.
        expect(JSON.stringify(result).length).toBeLessThan(20_000)
      }
      expect(wrong).toEqual([])
      expect(await kioskState()).toEqual(before)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false)
    },
  )

  it('refuses audio over the transcription limit before it reaches the LLM', async () => {
    const limit = bridgeCalls.transcribe.request.shape.audioBase64.maxLength ?? 0
    expect(limit).toBeGreaterThan(0)
    const result = await services.dispatch(
      'transcribe',
      { audioBase64: 'A'.repeat(limit + 1), format: 'wav' },
      context,
    )
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', fields: [{ path: 'audioBase64' }] },
    })
  })
})
