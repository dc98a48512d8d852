import type { BrowserWindow } from 'electron'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  DEFAULT_CRASH_RECOVERY,
  recoverFromRendererCrashes,
  relaunchApp,
} from '../../../src/main/electron/crash-recovery'
import { EXIT_CODES } from '../../../src/main/exit-codes'
import { FakeWebContents } from '../support/fake-browser-window'
import { memoryLogger } from '../support/memory-log'

const electronApp = vi.hoisted(() => ({ relaunch: vi.fn(), exit: vi.fn() }))
vi.mock('electron', () => ({ app: electronApp }))

type Listener = (...args: unknown[]) => void

/** A window whose renderer can crash, hang and recover, recording its reloads and kills. */
function watchedWindow() {
  const webContents = Object.assign(new FakeWebContents(), {
    reload: vi.fn(),
    forcefullyCrashRenderer: vi.fn(
      () => void webContents.emit('render-process-gone', { reason: 'killed', exitCode: 9 }),
    ),
  })
  const windowListeners = new Map<string, Listener[]>()
  const window = {
    webContents,
    destroyed: false,
    isDestroyed: () => window.destroyed,
    on: (event: string, listener: Listener) =>
      void windowListeners.set(event, [...(windowListeners.get(event) ?? []), listener]),
  }
  const relaunch = vi.fn()
  const log = memoryLogger()
  recoverFromRendererCrashes(window as unknown as BrowserWindow, log, { relaunch, now: () => Date.now() })
  return {
    window,
    webContents,
    relaunch,
    log,
    crash: (reason = 'crashed') => webContents.emit('render-process-gone', { reason, exitCode: 139 }),
    fireWindow: (name: string) => windowListeners.get(name)?.forEach((listener) => listener()),
  }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('recoverFromRendererCrashes', () => {
  it('reloads after 1 s, then 2 s, 4 s … for crashes in a row, never waiting more than a minute', async () => {
    const { webContents, crash } = watchedWindow()
    const waits: number[] = []
    for (let i = 0; i < 5; i += 1) {
      crash()
      const before = webContents.reload.mock.calls.length
      let waited = 0
      while (webContents.reload.mock.calls.length === before) {
        await vi.advanceTimersByTimeAsync(250)
        waited += 250
      }
      waits.push(waited)
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000])
  })

  it('caps the wait at a minute and starts over after five stable minutes', async () => {
    const window = {
      webContents: Object.assign(new FakeWebContents(), { reload: vi.fn() }),
      isDestroyed: () => false,
      on: () => undefined,
    }
    const relaunch = vi.fn()
    recoverFromRendererCrashes(
      window as unknown as BrowserWindow,
      memoryLogger(),
      { relaunch },
      { ...DEFAULT_CRASH_RECOVERY, maxFailures: 100 },
    )
    const crash = () => window.webContents.emit('render-process-gone', { reason: 'oom', exitCode: 1 })
    for (let i = 0; i < 8; i += 1) {
      crash()
      await vi.advanceTimersByTimeAsync(60_000)
    }
    expect(window.webContents.reload).toHaveBeenCalledTimes(8)
    crash() // the ninth in a row would be 256 s uncapped
    await vi.advanceTimersByTimeAsync(59_999)
    expect(window.webContents.reload).toHaveBeenCalledTimes(8)
    await vi.advanceTimersByTimeAsync(1)
    expect(window.webContents.reload).toHaveBeenCalledTimes(9)

    await vi.advanceTimersByTimeAsync(DEFAULT_CRASH_RECOVERY.stableResetMs)
    crash()
    await vi.advanceTimersByTimeAsync(1000)
    expect(window.webContents.reload).toHaveBeenCalledTimes(10)
    expect(relaunch).not.toHaveBeenCalled()
  })

  it('leaves a clean exit alone', async () => {
    const { webContents, crash, relaunch } = watchedWindow()
    crash('clean-exit')
    await vi.advanceTimersByTimeAsync(120_000)
    expect(webContents.reload).not.toHaveBeenCalled()
    expect(relaunch).not.toHaveBeenCalled()
  })

  it('gives a hung page a few seconds, then kills and reloads it', async () => {
    const { webContents, fireWindow, log } = watchedWindow()
    fireWindow('unresponsive')
    await vi.advanceTimersByTimeAsync(DEFAULT_CRASH_RECOVERY.unresponsiveGraceMs - 1)
    expect(webContents.forcefullyCrashRenderer).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(webContents.forcefullyCrashRenderer).toHaveBeenCalledTimes(1)
    // The kill's own render-process-gone is the same failure: one reload, after the first wait.
    await vi.advanceTimersByTimeAsync(1000)
    expect(webContents.reload).toHaveBeenCalledTimes(1)
    expect(log.entries.filter((entry) => entry.level === 'error')).toHaveLength(1)
  })

  it('does nothing to a page that answers again within the grace time', async () => {
    const { webContents, fireWindow } = watchedWindow()
    fireWindow('unresponsive')
    await vi.advanceTimersByTimeAsync(2000)
    fireWindow('responsive')
    await vi.advanceTimersByTimeAsync(120_000)
    expect(webContents.forcefullyCrashRenderer).not.toHaveBeenCalled()
    expect(webContents.reload).not.toHaveBeenCalled()
  })

  it('relaunches the app, once, when reloads keep failing within the window', async () => {
    const { webContents, crash, relaunch, log } = watchedWindow()
    for (let i = 0; i < DEFAULT_CRASH_RECOVERY.maxFailures; i += 1) {
      crash()
      await vi.advanceTimersByTimeAsync(20_000)
    }
    expect(relaunch).not.toHaveBeenCalled()
    expect(webContents.reload).toHaveBeenCalledTimes(DEFAULT_CRASH_RECOVERY.maxFailures)
    crash()
    expect(relaunch).toHaveBeenCalledTimes(1)
    crash()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(relaunch).toHaveBeenCalledTimes(1)
    expect(webContents.reload).toHaveBeenCalledTimes(DEFAULT_CRASH_RECOVERY.maxFailures)
    expect(log.entries.at(-1)?.message).toContain('relaunching')
  })

  it('does not reload a window that is gone', async () => {
    const { window, webContents, crash } = watchedWindow()
    crash()
    window.destroyed = true
    await vi.advanceTimersByTimeAsync(5000)
    expect(webContents.reload).not.toHaveBeenCalled()
  })
})

describe('relaunchApp', () => {
  it('stops the sessions first, then relaunches and exits with the relaunch code', async () => {
    const order: string[] = []
    electronApp.relaunch.mockImplementation(() => order.push('relaunch'))
    electronApp.exit.mockImplementation((code: number) => order.push(`exit ${code}`))
    await relaunchApp(async () => void order.push('sessions stopped'))
    expect(order).toEqual(['sessions stopped', 'relaunch', `exit ${EXIT_CODES.relaunch}`])
    expect(EXIT_CODES.relaunch).not.toBe(EXIT_CODES.stopped)
  })

  it('relaunches after the grace time when stopping the sessions hangs or fails', async () => {
    electronApp.exit.mockClear()
    const relaunched = relaunchApp(() => new Promise(() => undefined), 5000)
    await vi.advanceTimersByTimeAsync(4999)
    expect(electronApp.exit).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    await relaunched
    expect(electronApp.exit).toHaveBeenCalledWith(EXIT_CODES.relaunch)

    electronApp.exit.mockClear()
    await relaunchApp(() => Promise.reject(new Error('offline')))
    expect(electronApp.exit).toHaveBeenCalledWith(EXIT_CODES.relaunch)
  })
})
