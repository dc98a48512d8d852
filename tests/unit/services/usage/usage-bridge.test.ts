import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../../src/main/app-services'
import { localDay } from '../../../../src/main/services/usage/local-day'
import { nodeHostAdapters } from '../../../../src/main/web/node-host'
import { badCases } from '../../support/bad-payloads'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const context = { clientId: 'web:usage-test' }
const targets = { lease: 'lease-x', sessionId: 'session-x' }
const sizes = {
  hugeString: 'A'.repeat(100_000),
  hugeArray: new Array(10_000).fill(0),
  manyKeys: 1_000,
  hugeInEveryField: false,
}

/** A data folder whose usage ledger already has `minutes` session minutes today (UTC). */
async function dataDirWithMinutesToday(minutes: number): Promise<string> {
  const dir = await tempDir('kiosk-usage-bridge-')
  const now = Date.now()
  const today = localDay(now, 'UTC')
  const day = {
    sessions: 1,
    sessionMinutes: minutes,
    wakes: 0,
    visitors: 0,
    conversations: 0,
    reconnects: 0,
    errors: 0,
    errorsByKind: {},
    estimatedCredits: minutes * 2,
  }
  await writeFile(
    join(dir, 'usage-ledger.json'),
    JSON.stringify({ version: 1, savedAt: now, days: { [today]: day }, sessions: [], open: [] }),
  )
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ schedule: { timeZone: 'UTC' } }))
  return dir
}

describe('usage at the bridge', () => {
  it('counts visitor events and reports them with today’s budget, with the admin panel locked', async () => {
    const services = await createAppServices(nodeHostAdapters(await dataDirWithMinutesToday(12), () => {}))
    await services.admin.setPin('24681357')
    services.admin.lock()
    services.settings.update({ budget: { dailyMinutes: 30 } })
    for (const request of [
      { event: 'visitor' },
      { event: 'conversation' },
      { event: 'error', errorKind: 'mic' },
    ])
      expect(await services.dispatch('recordUsage', request, context)).toEqual({ ok: true, value: null })

    const result = await services.dispatch('getUsage', { days: 7 }, context)
    expect(result.ok).toBe(true)
    const value = (
      result as {
        value: { report: { days: unknown[]; totals: unknown; errorsByKind: unknown }; budget: unknown }
      }
    ).value
    expect(value.report.days).toHaveLength(7)
    expect(value.report.totals).toMatchObject({
      sessions: 1,
      sessionMinutes: 12,
      visitors: 1,
      conversations: 1,
      errors: 1,
    })
    expect(value.report.errorsByKind).toEqual({ mic: 1 })
    expect(value.budget).toEqual({ dailyMinutes: 30, usedMinutesToday: 12, reached: false })
    await services.close()
  })

  it('refuses bad usage events with invalid-request and counts nothing', async () => {
    const services = await createAppServices(nodeHostAdapters(await tempDir(), () => {}))
    const cases = [
      ...badCases(targets, sizes, 'recordUsage'),
      { payload: { event: 'error' }, label: 'an error without its kind' },
      { payload: { event: 'visitor', errorKind: 'x' }, label: 'a kind on a non-error' },
      { payload: { event: 'error', errorKind: 'Free text, with words' }, label: 'free text as kind' },
      { payload: { event: 'transcript' }, label: 'an unknown event' },
    ]
    expect(cases.length).toBeGreaterThan(8)
    for (const entry of cases) {
      const result = await services.dispatch('recordUsage', entry.payload, context)
      expect(result, entry.label).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    }
    for (const entry of badCases(targets, sizes, 'getUsage')) {
      const result = await services.dispatch('getUsage', entry.payload, context)
      expect(result, entry.label).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
    }
    expect(services.usage.report(1).totals).toMatchObject({ visitors: 0, errors: 0, conversations: 0 })
    await services.close()
  })

  it('refuses a session token once today’s minutes reached the daily budget', async () => {
    const services = await createAppServices(nodeHostAdapters(await dataDirWithMinutesToday(30), () => {}))
    // No provider is set up: a mint that passes the gate fails as not-configured, never as budget-reached.
    expect(await services.dispatch('mintSessionToken', undefined, context)).toMatchObject({
      ok: false,
      error: { code: 'not-configured' },
    })
    services.settings.update({ budget: { dailyMinutes: 30 } })
    const refused = await services.dispatch('mintSessionToken', undefined, context)
    expect(refused).toMatchObject({ ok: false, error: { code: 'budget-reached' } })
    expect(JSON.stringify(refused)).toContain('30 session minutes')
    services.settings.update({ budget: { dailyMinutes: 31 } })
    expect(await services.dispatch('mintSessionToken', undefined, context)).toMatchObject({
      error: { code: 'not-configured' },
    })
    await services.close()
  })

  it('refuses a session token outside the opening hours', async () => {
    const services = await createAppServices(nodeHostAdapters(await tempDir(), () => {}))
    const hour = new Date().getUTCHours()
    // An hour-long span that does not contain now, every day.
    const start = hour <= 21 ? hour + 1 : 1
    const clock = (value: number) => `${String(value).padStart(2, '0')}:00`
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
    services.settings.update({
      schedule: { timeZone: 'UTC', openingHours: [{ days, open: clock(start), close: clock(start + 1) }] },
    })
    const refused = await services.dispatch('mintSessionToken', undefined, context)
    expect(refused).toMatchObject({ ok: false, error: { code: 'kiosk-closed' } })
    // Open all day: the gate lets it through (to the missing provider).
    services.settings.update({ schedule: { openingHours: [{ days, open: '00:00', close: '24:00' }] } })
    expect(await services.dispatch('mintSessionToken', undefined, context)).toMatchObject({
      error: { code: 'not-configured' },
    })
    await services.close()
  })
})
