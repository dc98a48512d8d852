/**
 * A counting semaphore, first come first served: bounds how many syntheses (espeak-ng processes, or calls into
 * the shared WebAssembly worker) run at once, however many tasks the sessions have queued.
 */
export class Slots {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`)
  }

  get running(): number {
    return this.active
  }

  get queued(): number {
    return this.waiting.length
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await work()
    } finally {
      // Hand the slot straight to the next waiter, so the count never dips and lets a newcomer jump the line.
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}
