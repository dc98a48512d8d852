import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  PresenceController,
  type PresenceSettings,
  type PresenceState,
  type ScheduleGate,
} from '../../../src/renderer/src/attract/presence-controller'
import type { UsageEvent } from '../../../src/shared/usage'

const ON: PresenceSettings = {
  enabled: true,
  idleSeconds: 10,
  goodbye: 'Goodbye!',
  wake: { touch: true, voice: true, camera: false },
}
const OFF: PresenceSettings = { ...ON, enabled: false }

const ALWAYS_OPEN: ScheduleGate = { isOpen: () => true, nextChange: () => undefined }

/** Open from `opensAt` (epoch ms) on. */
function opensAt(opensAt: number): ScheduleGate {
  return {
    isOpen: (at) => at.getTime() >= opensAt,
    nextChange: (at) => (at.getTime() < opensAt ? new Date(opensAt) : undefined),
  }
}

/** A kiosk around the controller: a fake session that goes live on start, and a record of what was done. */
function kiosk(options: { schedule?: ScheduleGate; budget?: () => Promise<boolean> } = {}) {
  const calls: string[] = []
  const usage: UsageEvent[] = []
  const states: PresenceState[] = []
  let sessionOpen = false
  const presence: PresenceController = new PresenceController({
    startSession: () => {
      calls.push('start')
      sessionOpen = true
    },
    stopSession: async (reason) => {
      calls.push(`stop:${reason}`)
      sessionOpen = false
    },
    say: (text) => calls.push(`say:${text}`),
    clearMemory: () => calls.push('clear-memory'),
    showScreen: (kind) => calls.push(`show:${kind}`),
    hideScreen: () => calls.push('hide'),
    armWakeSources: (wake) => calls.push(`arm:${wake.voice ? 'voice' : ''}${wake.camera ? '+camera' : ''}`),
    disarmWakeSources: () => calls.push('disarm'),
    prepareWake: () => calls.push('prepare'),
    recordUsage: (event) => usage.push(event),
    budgetReached: options.budget ?? (async () => false),
    schedule: () => options.schedule ?? ALWAYS_OPEN,
    onStateChange: (state) => states.push(state),
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
    },
  })
  return {
    presence,
    calls,
    usage,
    states,
    get sessionOpen() {
      return sessionOpen
    },
    /** The session controller reports live. */
    goLive() {
      presence.sessionStateChanged('live')
    },
  }
}

const settle = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-30T10:00:00Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('PresenceController', () => {
  it('starts on the attract screen with attract mode on: no session at boot, detectors armed', async () => {
    const k = kiosk()
    k.presence.apply(ON)
    await settle()
    expect(k.presence.state).toBe('attract')
    expect(k.calls).toEqual(['show:attract', 'arm:voice', 'prepare'])
    expect(k.sessionOpen).toBe(false)
  })

  it('with attract mode off opens the session at boot and keeps it open however long nobody is there', async () => {
    const k = kiosk()
    k.presence.apply(OFF)
    await settle()
    k.goLive()
    expect(k.presence.state).toBe('live')
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(k.presence.state).toBe('live')
    expect(k.calls).toEqual(['disarm', 'start', 'hide'])
    expect(k.usage).toEqual([])
  })

  it('a touch wakes it at once: session started, screen hidden, wake counted; live when the session is', async () => {
    const k = kiosk()
    k.presence.apply(ON)
    await settle()
    k.calls.length = 0
    k.presence.wake('touch')
    expect(k.presence.state).toBe('waking')
    expect(k.calls).toEqual(['disarm', 'start', 'hide'])
    expect(k.usage).toEqual(['wake'])
    k.goLive()
    expect(k.presence.state).toBe('live')
  })

  it.each(['voice', 'camera'] as const)(
    'a %s wakes it when that source is on, and not when off',
    async (source) => {
      const k = kiosk()
      k.presence.apply({ ...ON, wake: { touch: false, voice: false, camera: false } })
      await settle()
      k.presence.wake(source)
      expect(k.presence.state).toBe('attract')
      k.presence.apply({ ...ON, wake: { touch: false, voice: false, camera: false, [source]: true } })
      k.presence.wake(source)
      expect(k.presence.state).toBe('waking')
      expect(k.usage).toEqual(['wake'])
    },
  )

  it('idle → goodbye → stop → memory cleared → attract, in that order', async () => {
    const k = kiosk()
    k.presence.apply(ON)
    await settle()
    k.presence.wake('touch')
    k.goLive()
    k.calls.length = 0
    await vi.advanceTimersByTimeAsync(9_999)
    expect(k.presence.state).toBe('live')
    await vi.advanceTimersByTimeAsync(1)
    expect(k.presence.state).toBe('sleeping')
    expect(k.calls).toEqual(['say:Goodbye!'])
    k.presence.avatarTalkingChanged(true)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(k.sessionOpen).toBe(true)
    k.presence.avatarTalkingChanged(false)
    await settle()
    expect(k.calls).toEqual([
      'say:Goodbye!',
      'stop:visitor left',
      'clear-memory',
      'show:attract',
      'arm:voice',
      'prepare',
    ])
    expect(k.presence.state).toBe('attract')
    expect(k.sessionOpen).toBe(false)
  })

  it('a goodbye the avatar never starts, or never finishes, holds the session only a few seconds', async () => {
    for (const begins of [false, true]) {
      const k = kiosk()
      k.presence.apply(ON)
      await settle()
      k.presence.wake('touch')
      k.goLive()
      await vi.advanceTimersByTimeAsync(10_000)
      if (begins) k.presence.avatarTalkingChanged(true)
      await vi.advanceTimersByTimeAsync(4_000)
      expect(k.presence.state).toBe('attract')
      expect(k.sessionOpen).toBe(false)
    }
  })

  it('no goodbye configured: stops as soon as the idle time is up', async () => {
    const k = kiosk()
    k.presence.apply({ ...ON, goodbye: '' })
    await settle()
    k.presence.wake('touch')
    k.goLive()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(k.calls.filter((call) => call.startsWith('say:'))).toEqual([])
    expect(k.presence.state).toBe('attract')
  })

  it('activity resets the idle time, and a visitor who speaks is counted once per wake', async () => {
    const k = kiosk()
    k.presence.apply(ON)
    await settle()
    k.presence.wake('voice')
    k.goLive()
    await vi.advanceTimersByTimeAsync(8_000)
    k.presence.activity()
    await vi.advanceTimersByTimeAsync(8_000)
    k.presence.visitorSpoke()
    k.presence.visitorSpoke()
    await vi.advanceTimersByTimeAsync(9_000)
    expect(k.presence.state).toBe('live')
    expect(k.usage).toEqual(['wake', 'visitor'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(k.presence.state).toBe('sleeping')
  })

  it('never sleeps while the avatar is talking; sleeps once it stops', async () => {
    const k = kiosk()
    k.presence.apply({ ...ON, goodbye: '' })
    await settle()
    k.presence.wake('touch')
    k.goLive()
    k.presence.avatarTalkingChanged(true)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(k.presence.state).toBe('live')
    k.presence.avatarTalkingChanged(false)
    await settle()
    expect(k.presence.state).toBe('attract')
  })

  it('a visitor who touches during the goodbye keeps the session', async () => {
    const k = kiosk()
    k.presence.apply(ON)
    await settle()
    k.presence.wake('touch')
    k.goLive()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(k.presence.state).toBe('sleeping')
    k.presence.activity()
    await settle()
    expect(k.presence.state).toBe('live')
    expect(k.sessionOpen).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000 + 4_000)
    expect(k.presence.state).toBe('attract')
  })

  it('three visitors are three short sessions', async () => {
    const k = kiosk()
    k.presence.apply({ ...ON, goodbye: '' })
    await settle()
    for (let visitor = 0; visitor < 3; visitor += 1) {
      k.presence.wake('touch')
      k.goLive()
      await vi.advanceTimersByTimeAsync(60_000)
    }
    expect(k.calls.filter((call) => call === 'start')).toHaveLength(3)
    expect(k.calls.filter((call) => call.startsWith('stop:'))).toHaveLength(3)
    expect(k.sessionOpen).toBe(false)
  })

  it('outside opening hours: the closed screen, no wake, and the attract screen at the opening boundary', async () => {
    const opening = Date.now() + 30 * 60_000
    const k = kiosk({ schedule: opensAt(opening) })
    k.presence.apply(ON)
    await settle()
    expect(k.presence.state).toBe('closed')
    k.presence.wake('touch')
    expect(k.presence.state).toBe('closed')
    expect(k.calls).not.toContain('start')
    await vi.advanceTimersByTimeAsync(30 * 60_000 - 1)
    expect(k.presence.state).toBe('closed')
    await vi.advanceTimersByTimeAsync(1)
    expect(k.presence.state).toBe('attract')
    k.presence.wake('touch')
    expect(k.presence.state).toBe('waking')
  })

  it('with attract mode off, opens the session at the opening boundary and not before', async () => {
    const opening = Date.now() + 60_000
    const k = kiosk({ schedule: opensAt(opening) })
    k.presence.apply(OFF)
    await settle()
    expect(k.calls).not.toContain('start')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(k.calls).toContain('start')
  })

  it('closing time during a visit: no cut-off; the session ends at the next idle moment, then closed', async () => {
    const closing = Date.now() + 5_000
    const schedule: ScheduleGate = {
      isOpen: (at) => at.getTime() < closing,
      nextChange: (at) => (at.getTime() < closing ? new Date(closing) : undefined),
    }
    const k = kiosk({ schedule })
    k.presence.apply({ ...OFF, goodbye: '' })
    await settle()
    k.goLive()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(k.presence.state).toBe('live')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(k.presence.state).toBe('closed')
    expect(k.sessionOpen).toBe(false)
  })

  it('budget reached: stays asleep and wakes for nobody; a new day (budget allows again) brings the attract screen', async () => {
    let reached = true
    const k = kiosk({ budget: async () => reached })
    k.presence.apply(ON)
    await settle()
    expect(k.presence.state).toBe('budget')
    k.presence.wake('touch')
    expect(k.calls).not.toContain('start')
    reached = false
    await vi.advanceTimersByTimeAsync(60_000)
    expect(k.presence.state).toBe('attract')
  })

  it('budget reached during a visit: the visitor is not cut off; asleep on the budget screen after', async () => {
    let reached = false
    const k = kiosk({ budget: async () => reached })
    k.presence.apply({ ...ON, idleSeconds: 120, goodbye: '' })
    await settle()
    k.presence.wake('touch')
    k.goLive()
    reached = true
    await vi.advanceTimersByTimeAsync(60_000)
    k.presence.activity()
    await vi.advanceTimersByTimeAsync(100_000)
    expect(k.presence.state).toBe('live')
    await vi.advanceTimersByTimeAsync(20_000)
    expect(k.presence.state).toBe('budget')
    k.presence.wake('touch')
    expect(k.calls.filter((call) => call === 'start')).toHaveLength(1)
  })

  it('a main that cannot answer the budget means no cap', async () => {
    const k = kiosk({ budget: () => Promise.reject(new Error('not-supported')) })
    k.presence.apply(ON)
    await settle()
    expect(k.presence.state).toBe('attract')
  })

  it('main refusing to mint shows the matching screen once, with no retry loop', async () => {
    let reached = false
    const k = kiosk({ budget: async () => reached })
    k.presence.apply(ON)
    await settle()
    k.presence.wake('touch')
    reached = true
    k.presence.sessionRefused('budget-reached')
    await settle()
    expect(k.presence.state).toBe('budget')
    expect(k.calls.filter((call) => call === 'start')).toHaveLength(1)
    expect(k.calls).toContain('stop:budget-reached')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(k.calls.filter((call) => call === 'start')).toHaveLength(1)
  })

  it('turning attract mode off while asleep opens the session', async () => {
    const k = kiosk()
    k.presence.apply(ON)
    await settle()
    k.presence.apply(OFF)
    expect(k.presence.state).toBe('waking')
    expect(k.usage).toEqual([])
  })
})

describe('PresenceController start-up', () => {
  it('ignores a touch before it knows the budget, and does not wait on a slow main for long', async () => {
    let answer: (reached: boolean) => void = () => undefined
    const k = kiosk({ budget: () => new Promise((resolve) => (answer = resolve)) })
    k.presence.apply(ON)
    expect(k.presence.state).toBe('starting')
    k.presence.wake('touch')
    expect(k.calls).not.toContain('start')
    await vi.advanceTimersByTimeAsync(1_500)
    expect(k.presence.state).toBe('attract')
    // The late answer still counts.
    answer(true)
    await settle()
    expect(k.presence.state).toBe('budget')
  })
})

describe('PresenceController waking', () => {
  it('a slow start is not a visitor gone: the idle time counts from live', async () => {
    const k = kiosk()
    k.presence.apply({ ...ON, goodbye: '' })
    await settle()
    k.presence.wake('touch')
    await vi.advanceTimersByTimeAsync(8_000)
    expect(k.presence.state).toBe('waking')
    k.goLive()
    await vi.advanceTimersByTimeAsync(9_000)
    expect(k.presence.state).toBe('live')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(k.presence.state).toBe('attract')
  })

  it('a start that never succeeds with nobody there gives up after the idle time and a minute', async () => {
    const k = kiosk()
    k.presence.apply({ ...ON, goodbye: '' })
    await settle()
    k.presence.wake('touch')
    await vi.advanceTimersByTimeAsync(69_999)
    expect(k.presence.state).toBe('waking')
    await vi.advanceTimersByTimeAsync(1)
    expect(k.presence.state).toBe('attract')
    expect(k.sessionOpen).toBe(false)
  })
})
