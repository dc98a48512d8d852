import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { z } from 'zod'
import { ESPEAK_WORKER_SOURCE } from './espeak-worker-source'
import { asarUnpacked } from './locate'

/** The espeak-ng npm package: Emscripten glue (ES module) and the wasm with espeak-ng-data embedded. */
export interface EspeakFiles {
  script: string
  wasm: string
}

export function npmEspeakFiles(): EspeakFiles | undefined {
  let script: string
  try {
    script = asarUnpacked(createRequire(import.meta.url).resolve('espeak-ng'))
  } catch {
    return undefined
  }
  const wasm = join(dirname(script), 'espeak-ng.wasm')
  return existsSync(script) && existsSync(wasm) ? { script, wasm } : undefined
}

export interface EspeakWasmOptions {
  /** Longest one synthesis may run once started; the worker is then ended and the next call starts anew. */
  timeoutMs?: number
  /** Longest loading and compiling the module may take (the first call, or after a timeout). */
  startTimeoutMs?: number
  /** Text beyond this is dropped before it reaches the worker. */
  maxChars?: number
  /** The worker holds about 100 MB; after this long without a call it is ended (the next call reloads it). */
  idleMs?: number
}

const DEFAULTS = { timeoutMs: 15_000, startTimeoutMs: 30_000, maxChars: 5000, idleMs: 10 * 60_000 } as const

const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('failed'), error: z.string() }),
  z.object({
    type: z.literal('result'),
    id: z.number(),
    code: z.number(),
    wav: z.instanceof(Uint8Array).nullable(),
    stderr: z.string(),
  }),
])

export class EspeakWasmError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EspeakWasmError'
  }
}

/**
 * espeak-ng's WebAssembly build in one worker thread, loaded once and reused. Calls are serialized (the
 * module has one linear memory); each is bounded in time by ending the worker, which a synchronous wasm
 * call on the main thread could not be. The worker is unref'd: an idle synthesizer keeps nothing alive.
 */
export class EspeakWasm {
  private readonly options: Required<EspeakWasmOptions>
  /** The started (or starting) worker, shared by every call until it fails. */
  private worker: Promise<Worker> | undefined
  private current: Worker | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private nextId = 1
  private closed = false
  private pending = 0
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly files: EspeakFiles,
    options: EspeakWasmOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options }
  }

  /** Whether a worker (and its ~100 MB) is currently loaded. */
  get loaded(): boolean {
    return this.current !== undefined
  }

  /** Loads and compiles the module now, so the first sentence does not pay for it. */
  async warmUp(): Promise<void> {
    await this.start()
  }

  /** Runs `espeak-ng ARGS -w out.wav -f text` and returns the WAV file's bytes. */
  synthesize(args: readonly string[], text: string): Promise<Buffer> {
    const input = text.slice(0, this.options.maxChars)
    this.pending++
    clearTimeout(this.idleTimer)
    const result = this.queue.then(() => this.runOne([...args], input))
    this.queue = result
      .catch(() => undefined)
      .finally(() => {
        if (--this.pending === 0) this.scheduleIdleStop()
      })
    return result
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.idleTimer)
    const worker = this.worker
    this.worker = undefined
    if (worker) await worker.then((started) => started.terminate()).catch(() => undefined)
  }

  private scheduleIdleStop(): void {
    this.idleTimer = setTimeout(() => {
      const worker = this.current
      if (this.pending > 0 || worker === undefined) return
      this.forget(worker)
      void worker.terminate()
    }, this.options.idleMs)
    this.idleTimer.unref()
  }

  private start(): Promise<Worker> {
    if (this.closed) return Promise.reject(new EspeakWasmError('espeak-ng (wasm) is closed'))
    this.worker ??= this.boot().catch((error: unknown) => {
      this.worker = undefined
      throw error
    })
    return this.worker
  }

  private boot(): Promise<Worker> {
    const worker = new Worker(ESPEAK_WORKER_SOURCE, {
      eval: true,
      workerData: { scriptUrl: pathToFileURL(this.files.script).href, wasmPath: this.files.wasm },
    })
    worker.unref()
    // A worker that dies between calls is forgotten, so the next call starts a fresh one.
    worker.once('exit', () => this.forget(worker))
    this.current = worker
    return this.await(worker, this.options.startTimeoutMs, 'load', (message) => {
      if (message.type === 'ready') return worker
      if (message.type === 'failed')
        throw new EspeakWasmError(`espeak-ng (wasm) failed to load: ${message.error}`)
      return undefined
    })
  }

  private async runOne(args: string[], text: string): Promise<Buffer> {
    const worker = await this.start()
    const id = this.nextId++
    const reply = this.await(worker, this.options.timeoutMs, 'synthesis', (message) =>
      message.type === 'result' && message.id === id ? message : undefined,
    )
    worker.postMessage({ id, args, text })
    const result = await reply
    if (result.code !== 0 || result.wav === null) {
      throw new EspeakWasmError(`espeak-ng (wasm) exited with ${result.code}: ${result.stderr.trim()}`)
    }
    return Buffer.from(result.wav.buffer, result.wav.byteOffset, result.wav.byteLength)
  }

  private forget(worker: Worker): void {
    if (this.current !== worker) return
    this.current = undefined
    this.worker = undefined
  }

  /** Waits for the first message `pick` accepts; on timeout, error or exit the worker is ended and dropped. */
  private await<T>(
    worker: Worker,
    timeoutMs: number,
    what: string,
    pick: (message: z.infer<typeof workerMessageSchema>) => T | undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error): void => {
        cleanup()
        this.forget(worker)
        void worker.terminate()
        reject(error)
      }
      const onMessage = (raw: unknown): void => {
        const parsed = workerMessageSchema.safeParse(raw)
        if (!parsed.success) return fail(new EspeakWasmError('espeak-ng (wasm) sent an unexpected message'))
        try {
          const picked = pick(parsed.data)
          if (picked === undefined) return
          cleanup()
          resolve(picked)
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)))
        }
      }
      const onError = (error: Error): void =>
        fail(new EspeakWasmError(`espeak-ng (wasm) crashed: ${error.message}`))
      const onExit = (code: number): void =>
        fail(new EspeakWasmError(`espeak-ng (wasm) worker exited (${code})`))
      const timer = setTimeout(
        () => fail(new EspeakWasmError(`espeak-ng (wasm) ${what} took longer than ${timeoutMs} ms`)),
        timeoutMs,
      )
      const cleanup = (): void => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
    })
  }
}

let shared: EspeakWasm | undefined

/** The process-wide synthesizer over the npm package (one module load serves every sandbox session). */
export function sharedEspeakWasm(files: EspeakFiles): EspeakWasm {
  shared ??= new EspeakWasm(files)
  return shared
}
