/** Errors seen during the run, by where they came from: counted, with the first few distinct messages kept. */
export class ErrorLog {
  private readonly bySource = new Map<string, { count: number; examples: string[] }>()

  constructor(private readonly examplesPerSource = 5) {}

  add(source: string, message: string): void {
    const entry = this.bySource.get(source) ?? { count: 0, examples: [] }
    entry.count += 1
    const short = message.slice(0, 300)
    if (entry.examples.length < this.examplesPerSource && !entry.examples.includes(short))
      entry.examples.push(short)
    this.bySource.set(source, entry)
  }

  summary(): Record<string, { count: number; examples: string[] }> {
    return Object.fromEntries(this.bySource)
  }
}
