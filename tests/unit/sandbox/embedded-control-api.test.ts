import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedSandbox } from '../../../src/main/services/embedded-sandbox'
import { memoryLogger } from '../support/memory-log'

/** The sandbox started inside the kiosk (and the web host) serves the provider API only. */
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

describe('the embedded sandbox', () => {
  it('serves no control API by default', async () => {
    const sandbox = new EmbeddedSandbox(memoryLogger())
    closers.push(() => sandbox.close())
    const { baseUrl, apiKey } = await sandbox.ensureStarted()
    expect((await fetch(`${baseUrl}/__sandbox/sessions`)).status).toBe(404)
    const armed = await fetch(`${baseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'refuse-sessions', on: true }),
    })
    expect(armed.status).toBe(404)
    const token = await fetch(`${baseUrl}/v1/streaming.create_token`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey },
    })
    expect(token.status).toBe(200)
  })

  it('serves it when asked to', async () => {
    const sandbox = new EmbeddedSandbox(memoryLogger(), { controlApi: true })
    closers.push(() => sandbox.close())
    const { baseUrl } = await sandbox.ensureStarted()
    expect((await fetch(`${baseUrl}/__sandbox/sessions`)).status).toBe(200)
  })
})
