import { describe, expect, it, vi } from 'vitest'
import { createDispatcher } from '../../../src/main/bridge/dispatch'
import { bridgeCalls } from '../../../src/shared/contract'
import { BridgeError } from '../../../src/shared/result'
import { SAMPLE_TOKEN, fakeHandlers } from '../support/handlers'
import { memoryLogger } from '../support/memory-log'
import { sampleSettingsView } from '../support/settings-view'

const context = { clientId: 'window:1' }

describe('createDispatcher', () => {
  it('refuses an unknown call name without reaching any handler', async () => {
    const handlers = fakeHandlers()
    const dispatch = createDispatcher(handlers, memoryLogger())
    for (const name of ['deleteEverything', 'toString', '__proto__', 'constructor', '']) {
      const result = await dispatch(name, undefined, context)
      expect(result).toEqual({
        ok: false,
        error: { code: 'invalid-request', message: `Unknown bridge call "${name}".` },
      })
    }
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled()
  })

  it('rejects an invalid payload with invalid-request and the field paths', async () => {
    const handlers = fakeHandlers()
    const dispatch = createDispatcher(handlers, memoryLogger())
    const result = await dispatch('setSecret', { name: 'adminPinHash', value: '' }, context)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid-request')
    expect(result.error.message).toBe('Invalid request for setSecret.')
    expect(result.error.fields?.map((field) => field.path)).toEqual(['name', 'value'])
    expect(handlers.setSecret).not.toHaveBeenCalled()
  })

  it('reports unknown settings keys as dotted paths', async () => {
    const handlers = fakeHandlers()
    const dispatch = createDispatcher(handlers, memoryLogger())
    const result = await dispatch(
      'updateSettings',
      { display: { chromaKey: { enabled: 'yes', tint: 1 } } },
      context,
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid-request')
    expect(result.error.fields?.map((field) => field.path).sort()).toEqual([
      'display.chromaKey.enabled',
      'display.chromaKey.tint',
    ])
    expect(handlers.updateSettings).not.toHaveBeenCalled()
  })

  it('refuses a payload for a call that takes none', async () => {
    const handlers = fakeHandlers()
    const dispatch = createDispatcher(handlers, memoryLogger())
    const result = await dispatch('getSettings', { sneaky: true }, context)
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', fields: [{ path: '(root)' }] },
    })
    expect(handlers.getSettings).not.toHaveBeenCalled()
  })

  it('hands the parsed request and the caller context to the handler', async () => {
    const handlers = fakeHandlers()
    const dispatch = createDispatcher(handlers, memoryLogger())
    const result = await dispatch('setSecret', { name: 'llmApiKey', value: '  sk-test-1234  ' }, context)
    expect(result.ok).toBe(true)
    expect(handlers.setSecret).toHaveBeenCalledWith({ name: 'llmApiKey', value: 'sk-test-1234' }, context)
  })

  it('passes a BridgeError through with its code, fields, provider code and retry delay', async () => {
    const error = new BridgeError({
      code: 'invalid-settings',
      message: 'Some settings are not valid: avatar.quality',
      fields: [{ path: 'avatar.quality', message: 'Invalid option' }],
      providerCode: 'x1',
      retryAfterMs: 20,
    })
    const dispatch = createDispatcher(
      fakeHandlers({
        updateSettings: async () => {
          throw error
        },
      }),
      memoryLogger(),
    )
    expect(await dispatch('updateSettings', { avatar: { quality: 'low' } }, context)).toEqual({
      ok: false,
      error: error.toPayload(),
    })
  })

  it('turns an unexpected throw into internal without leaking its message', async () => {
    const log = memoryLogger()
    const dispatch = createDispatcher(
      fakeHandlers({
        mintSessionToken: () => {
          throw new Error('ECONNRESET while sending X-Api-Key sk-leaky-secret-0001')
        },
        lockAdmin: () => {
          throw 'a string, not an Error'
        },
      }),
      log,
    )
    const result = await dispatch('mintSessionToken', undefined, context)
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong inside the kiosk.' },
    })
    expect(JSON.stringify(result)).not.toContain('sk-leaky-secret-0001')
    expect(JSON.stringify(result)).not.toContain('ECONNRESET')
    expect(await dispatch('lockAdmin', undefined, context)).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    })
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(2)
    expect(log.entries[0]).toMatchObject({
      message: 'bridge call failed',
      context: { call: 'mintSessionToken' },
    })
  })

  it('parses responses with the contract, so fields the handler adds are stripped', async () => {
    const view = sampleSettingsView()
    const dispatch = createDispatcher(
      fakeHandlers({
        getSettings: () =>
          ({
            ...view,
            apiKey: 'sk-stripped-secret-0002',
            secrets: { ...view.secrets, providerApiKeyValue: 'sk-stripped-secret-0002' },
          }) as typeof view,
        mintSessionToken: () => ({ ...SAMPLE_TOKEN, apiKey: 'sk-stripped-secret-0002' }),
      }),
      memoryLogger(),
    )
    const result = await dispatch('getSettings', undefined, context)
    expect(result).toEqual({ ok: true, value: view })
    expect(JSON.stringify(result)).not.toContain('sk-stripped-secret-0002')
    const token = await dispatch('mintSessionToken', undefined, context)
    expect(token).toEqual({ ok: true, value: bridgeCalls.mintSessionToken.response.parse(SAMPLE_TOKEN) })
    expect(token).toMatchObject({ ok: true, value: { token: 'session-token', sandbox: false } })
    expect(JSON.stringify(token)).not.toContain('sk-stripped-secret-0002')
  })

  it('turns a response outside the contract into internal and logs the offending paths', async () => {
    const log = memoryLogger()
    const dispatch = createDispatcher(
      fakeHandlers({
        getSettings: () => ({ settings: 'nope' }) as never,
        lockAdmin: () => undefined as never,
      }),
      log,
    )
    expect(await dispatch('getSettings', undefined, context)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong inside the kiosk.' },
    })
    expect(await dispatch('lockAdmin', undefined, context)).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    })
    expect(log.entries[0]).toMatchObject({
      level: 'error',
      message: 'bridge handler returned a value outside the contract',
      context: { call: 'getSettings' },
    })
  })

  it('awaits asynchronous handlers', async () => {
    const handler = vi.fn(async () => ({ unlocked: false, retryAfterMs: 3000 }))
    const dispatch = createDispatcher(fakeHandlers({ unlockAdmin: handler }), memoryLogger())
    expect(await dispatch('unlockAdmin', { pin: '0000' }, context)).toEqual({
      ok: true,
      value: { unlocked: false, retryAfterMs: 3000 },
    })
  })
})
