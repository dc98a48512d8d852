import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPresenceDebounce } from '../../../src/renderer/src/presence/presence-debounce'

function debounce(framesToSee = 2, goneAfterMs = 3000) {
  const onPresence = vi.fn<(seen: boolean) => void>()
  return { presence: createPresenceDebounce({ framesToSee, goneAfterMs, onPresence }), onPresence }
}

describe('presence debounce', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('says "seen" only after a face in consecutive frames', () => {
    const { presence, onPresence } = debounce(2)
    presence.observe(true)
    expect(onPresence).not.toHaveBeenCalled()
    presence.observe(false)
    presence.observe(true)
    expect(onPresence).not.toHaveBeenCalled()
    presence.observe(true)
    expect(onPresence.mock.calls).toEqual([[true]])
    expect(presence.seen).toBe(true)
    presence.observe(true)
    expect(onPresence).toHaveBeenCalledTimes(1)
  })

  it('says "seen" on the first face when one frame is enough', () => {
    const { presence, onPresence } = debounce(1)
    presence.observe(true)
    expect(onPresence.mock.calls).toEqual([[true]])
  })

  it('says "gone" 3 s after the last face, however many empty frames came between', () => {
    const { presence, onPresence } = debounce(2, 3000)
    presence.observe(true)
    presence.observe(true)
    vi.advanceTimersByTime(2000)
    presence.observe(true) // the visitor is still there: the 3 s start again
    for (let i = 0; i < 8; i++) {
      vi.advanceTimersByTime(333)
      presence.observe(false)
    }
    expect(onPresence.mock.calls).toEqual([[true]])
    vi.advanceTimersByTime(3000 - 8 * 333 - 1)
    expect(onPresence.mock.calls).toEqual([[true]])
    vi.advanceTimersByTime(1)
    expect(onPresence.mock.calls).toEqual([[true], [false]])
    expect(presence.seen).toBe(false)
  })

  it('says "gone" even when frames stop coming (a stalled camera or worker)', () => {
    const { presence, onPresence } = debounce(1, 3000)
    presence.observe(true)
    vi.advanceTimersByTime(3000)
    expect(onPresence.mock.calls).toEqual([[true], [false]])
  })

  it('needs consecutive faces again after "gone"', () => {
    const { presence, onPresence } = debounce(2, 3000)
    presence.observe(true)
    presence.observe(true)
    vi.advanceTimersByTime(3000)
    presence.observe(true)
    expect(onPresence).toHaveBeenCalledTimes(2)
    presence.observe(true)
    expect(onPresence.mock.calls).toEqual([[true], [false], [true]])
  })

  it('a glance away shorter than 3 s keeps the visitor', () => {
    const { presence, onPresence } = debounce(2, 3000)
    presence.observe(true)
    presence.observe(true)
    vi.advanceTimersByTime(2900)
    presence.observe(false)
    presence.observe(true)
    vi.advanceTimersByTime(2900)
    expect(onPresence.mock.calls).toEqual([[true]])
  })

  it('is silent after dispose', () => {
    const { presence, onPresence } = debounce(1, 3000)
    presence.observe(true)
    presence.dispose()
    vi.advanceTimersByTime(10_000)
    presence.observe(true)
    expect(onPresence.mock.calls).toEqual([[true]])
  })

  it('refuses settings that cannot work', () => {
    const onPresence = () => undefined
    expect(() => createPresenceDebounce({ framesToSee: 0, goneAfterMs: 3000, onPresence })).toThrow(
      /framesToSee/,
    )
    expect(() => createPresenceDebounce({ framesToSee: 1.5, goneAfterMs: 3000, onPresence })).toThrow(
      /framesToSee/,
    )
    expect(() => createPresenceDebounce({ framesToSee: 2, goneAfterMs: 0, onPresence })).toThrow(
      /goneAfterMs/,
    )
    expect(() => createPresenceDebounce({ framesToSee: 2, goneAfterMs: Number.NaN, onPresence })).toThrow(
      /goneAfterMs/,
    )
  })
})
