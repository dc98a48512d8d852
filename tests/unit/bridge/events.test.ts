import { describe, expect, it, vi } from 'vitest'
import { BridgeEventHub } from '../../../src/main/bridge/events'
import { sampleSettingsView } from '../support/settings-view'

describe('BridgeEventHub', () => {
  it('delivers validated payloads to every subscriber until it unsubscribes', () => {
    const hub = new BridgeEventHub()
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = hub.subscribe(first)
    hub.subscribe(second)
    const view = sampleSettingsView()
    hub.emit('settingsChanged', { ...view, apiKey: 'sk-event-leak' } as typeof view)
    expect(first).toHaveBeenCalledWith('settingsChanged', view, undefined)
    expect(JSON.stringify(first.mock.calls)).not.toContain('sk-event-leak')
    stopFirst()
    hub.emit('settingsChanged', view)
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(2)
  })

  it('refuses to emit a payload outside the contract', () => {
    const hub = new BridgeEventHub()
    const listener = vi.fn()
    hub.subscribe(listener)
    expect(() => hub.emit('settingsChanged', { settings: 1 } as never)).toThrow()
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('BridgeEventHub targeting', () => {
  it('passes the target page of a private event to every transport, which filters by it', () => {
    const hub = new BridgeEventHub()
    const transport = vi.fn()
    hub.subscribe(transport)
    hub.emit('answerStream', { kind: 'delta', requestId: 'req-000001', text: 'Hi' }, 'web:page-a')
    expect(transport).toHaveBeenCalledWith(
      'answerStream',
      { kind: 'delta', requestId: 'req-000001', text: 'Hi' },
      'web:page-a',
    )
  })
})
