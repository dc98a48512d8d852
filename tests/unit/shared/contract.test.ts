import { describe, expect, it } from 'vitest'
import { callChannel, subscriberName } from '../../../src/shared/bridge-api'
import {
  CALL_NAMES,
  EVENT_NAMES,
  PinSchema,
  RendererLogSchema,
  SettingsViewSchema,
  bridgeCalls,
  bridgeEvents,
  isCallName,
} from '../../../src/shared/contract'
import { BridgeError, BridgeErrorSchema, toFieldErrors } from '../../../src/shared/result'
import { sampleSettingsView } from '../support/settings-view'

const setSecret = bridgeCalls.setSecret.request

describe('contract registry', () => {
  it('lists every call and event exactly once, derived from the registry', () => {
    expect(CALL_NAMES).toEqual(Object.keys(bridgeCalls))
    expect(EVENT_NAMES).toEqual(Object.keys(bridgeEvents))
    expect(new Set(CALL_NAMES).size).toBe(CALL_NAMES.length)
    expect(CALL_NAMES).toEqual(
      expect.arrayContaining([
        'getSettings',
        'updateSettings',
        'setSecret',
        'clearSecret',
        'mintSessionToken',
      ]),
    )
  })

  it('recognises only own call names, not prototype members', () => {
    expect(isCallName('getSettings')).toBe(true)
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'getsettings', '']) {
      expect(isCallName(name)).toBe(false)
    }
  })

  it('derives IPC channel and subscriber names from the contract', () => {
    expect(callChannel('getSettings')).toBe('kiosk:call:getSettings')
    expect(subscriberName('settingsChanged')).toBe('onSettingsChanged')
  })
})

describe('setSecret request schema', () => {
  it('accepts a key and trims surrounding whitespace', () => {
    expect(setSecret.parse({ name: 'providerApiKey', value: '  abc123  ' })).toEqual({
      name: 'providerApiKey',
      value: 'abc123',
    })
  })

  it('accepts up to 4096 characters and refuses 4097', () => {
    expect(setSecret.safeParse({ name: 'llmApiKey', value: 'k'.repeat(4096) }).success).toBe(true)
    const tooLong = setSecret.safeParse({ name: 'llmApiKey', value: 'k'.repeat(4097) })
    expect(tooLong.success).toBe(false)
    expect(toFieldErrors(tooLong.error?.issues ?? []).map((field) => field.path)).toEqual(['value'])
  })

  it('refuses empty and whitespace-only values', () => {
    for (const value of ['', '   ', '\n\t']) {
      const result = setSecret.safeParse({ name: 'providerApiKey', value })
      expect(result.success).toBe(false)
      expect(toFieldErrors(result.error?.issues ?? []).map((field) => field.path)).toEqual(['value'])
    }
  })

  it('refuses secret names the renderer must not write, such as the PIN hash', () => {
    for (const name of ['adminPinHash', 'apiKey', '']) {
      const result = setSecret.safeParse({ name, value: 'abcdef' })
      expect(result.success).toBe(false)
      expect(toFieldErrors(result.error?.issues ?? []).map((field) => field.path)).toEqual(['name'])
    }
  })

  it('refuses a missing object', () => {
    expect(setSecret.safeParse(undefined).success).toBe(false)
    expect(setSecret.safeParse('providerApiKey').success).toBe(false)
  })
})

describe('PinSchema', () => {
  it.each(['1234', '000000', '123456789012'])('accepts %j', (pin) => {
    expect(PinSchema.safeParse(pin).success).toBe(true)
  })

  it.each(['123', '1234567890123', '12a4', ' 1234', '1234\n', '١٢٣٤', '', '12.4'])('refuses %j', (pin) => {
    const result = PinSchema.safeParse(pin)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toBe('Use 4 to 12 digits')
  })

  it('is what setAdminPin validates', () => {
    expect(bridgeCalls.setAdminPin.request.safeParse({ pin: '12' }).success).toBe(false)
    expect(bridgeCalls.setAdminPin.request.safeParse({ pin: '1234' }).success).toBe(true)
  })

  it('limits unlock attempts to a bounded string', () => {
    expect(bridgeCalls.unlockAdmin.request.safeParse({ pin: '1'.repeat(64) }).success).toBe(true)
    expect(bridgeCalls.unlockAdmin.request.safeParse({ pin: '1'.repeat(65) }).success).toBe(false)
  })
})

describe('calls without payload', () => {
  it('accept only undefined', () => {
    expect(bridgeCalls.getSettings.request.safeParse(undefined).success).toBe(true)
    expect(bridgeCalls.getSettings.request.safeParse({}).success).toBe(false)
    expect(bridgeCalls.lockAdmin.request.safeParse(null).success).toBe(false)
    expect(bridgeCalls.reloadPage.request.safeParse(undefined).success).toBe(true)
    expect(bridgeCalls.reloadPage.request.safeParse({ url: 'https://evil.example/' }).success).toBe(false)
  })
})

describe('reloadPage', () => {
  it('answers who reloads the page: the host, or the page itself', () => {
    const response = bridgeCalls.reloadPage.response
    expect(response.parse({ reloadedBy: 'host' })).toEqual({ reloadedBy: 'host' })
    expect(response.parse({ reloadedBy: 'page' })).toEqual({ reloadedBy: 'page' })
    expect(response.safeParse({ reloadedBy: 'nobody' }).success).toBe(false)
    expect(response.safeParse(null).success).toBe(false)
  })
})

describe('RendererLogSchema', () => {
  it('accepts flat context values and bounds message length', () => {
    expect(
      RendererLogSchema.safeParse({ level: 'info', message: 'hi', context: { a: 1, b: 'x', c: null } })
        .success,
    ).toBe(true)
    expect(RendererLogSchema.safeParse({ level: 'info', message: 'x'.repeat(2001) }).success).toBe(false)
    expect(RendererLogSchema.safeParse({ level: 'fatal', message: 'hi' }).success).toBe(false)
    expect(
      RendererLogSchema.safeParse({ level: 'info', message: 'hi', context: { nested: { a: 1 } } }).success,
    ).toBe(false)
  })
})

describe('SettingsViewSchema', () => {
  it('strips fields the contract does not declare', () => {
    const view = { ...sampleSettingsView(), apiKey: 'sk-should-vanish' }
    const parsed = SettingsViewSchema.parse(view)
    expect(parsed).not.toHaveProperty('apiKey')
    expect(JSON.stringify(parsed)).not.toContain('sk-should-vanish')
  })
})

describe('result envelope', () => {
  it('BridgeError carries code, fields, provider code and retry delay through toPayload', () => {
    const error = new BridgeError({
      code: 'rate-limited',
      message: 'busy',
      fields: [{ path: 'a.b', message: 'bad' }],
      providerCode: 10007,
      retryAfterMs: 1500,
    })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('BridgeError')
    expect(error.toPayload()).toEqual({
      code: 'rate-limited',
      message: 'busy',
      fields: [{ path: 'a.b', message: 'bad' }],
      providerCode: 10007,
      retryAfterMs: 1500,
    })
    expect(BridgeErrorSchema.safeParse(error.toPayload()).success).toBe(true)
  })

  it('omits optional members that were not given', () => {
    expect(new BridgeError({ code: 'internal', message: 'x' }).toPayload()).toEqual({
      code: 'internal',
      message: 'x',
    })
  })

  it('refuses unknown error codes', () => {
    expect(BridgeErrorSchema.safeParse({ code: 'teapot', message: 'x' }).success).toBe(false)
  })

  it('toFieldErrors joins paths with dots, honours a prefix, and names the root', () => {
    const result = SettingsViewSchema.safeParse({})
    const fields = toFieldErrors(result.error?.issues ?? [], ['view'])
    expect(fields.map((field) => field.path)).toContain('view.settings')
    expect(toFieldErrors([{ code: 'custom', path: [], message: 'whole thing', input: 1 }])).toEqual([
      { path: '(root)', message: 'whole thing' },
    ])
    expect(
      toFieldErrors([{ code: 'custom', path: ['list', 2, 'name'], message: 'bad', input: 1 }]).map(
        (field) => field.path,
      ),
    ).toEqual(['list.2.name'])
  })
})
