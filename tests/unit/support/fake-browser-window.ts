import type { BrowserWindowConstructorOptions } from 'electron'

type Listener = (...args: never[]) => unknown

/** Just enough of WebContents to record what the shell registers on it. */
export class FakeWebContents {
  readonly listeners = new Map<string, Listener[]>()
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }

  /** Fires `event` like Electron would and returns whether a listener called preventDefault. */
  emit(event: string, ...args: unknown[]): { prevented: boolean } {
    const result = { prevented: false }
    const electronEvent = { preventDefault: () => (result.prevented = true) }
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => unknown)(electronEvent, ...args)
    return result
  }
}

/** Records construction options and calls; every instance is kept in `FakeBrowserWindow.instances`. */
export class FakeBrowserWindow {
  static instances: FakeBrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  readonly onceListeners = new Map<string, () => void>()
  readonly calls: [string, ...unknown[]][] = []

  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeBrowserWindow.instances.push(this)
  }

  once(event: string, listener: () => void): this {
    this.onceListeners.set(event, listener)
    return this
  }

  loadURL(url: string): Promise<void> {
    this.calls.push(['loadURL', url])
    return Promise.resolve()
  }

  show(): void {
    this.calls.push(['show'])
  }

  setKiosk(flag: boolean): void {
    this.calls.push(['setKiosk', flag])
  }

  setFullScreen(flag: boolean): void {
    this.calls.push(['setFullScreen', flag])
  }
}
