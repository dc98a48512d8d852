/** One sentence to be spoken, and the answer it belongs to (`cancelAnswer` for that id also cancels its speech). */
export interface SpeechItem {
  text: string
  requestId: string
}

export interface SpeechPipelineDeps<Audio> {
  /** Text to speech for one sentence (in main). */
  synthesize(item: SpeechItem): Promise<Audio>
  /** Hands one sentence's audio to the avatar; resolves once it was accepted. */
  deliver(audio: Audio, item: SpeechItem): Promise<void>
  /** A sentence failed to synthesise or was refused; the rest still go out. */
  onError(error: unknown, item: SpeechItem): void
  /** Barge-in: stop the speech still being synthesised for these answers. */
  cancel(requestIds: readonly string[]): void
  /** How many sentences may be synthesised ahead of the one being delivered. */
  maxAhead?: number
}

interface Entry<Audio> {
  item: SpeechItem
  audio?: Promise<Audio>
}

/**
 * Our own speech for an avatar that only lip-syncs audio (LiveAvatar LITE): each sentence is synthesised as soon
 * as it arrives, a few ahead of the one playing, and delivered strictly in order, so the first sentence is heard
 * while the LLM is still writing the rest. `clear()` (barge-in) drops every sentence not yet delivered and
 * cancels their synthesis.
 */
export class SpeechPipeline<Audio> {
  private entries: Entry<Audio>[] = []
  private delivering = false
  private generation = 0
  private readonly maxAhead: number

  constructor(private readonly deps: SpeechPipelineDeps<Audio>) {
    this.maxAhead = Math.max(1, deps.maxAhead ?? 3)
  }

  enqueue(text: string, requestId: string): void {
    this.entries.push({ item: { text, requestId } })
    this.synthesizeAhead()
    void this.drain()
  }

  clear(): void {
    this.generation += 1
    const started = this.entries.filter((entry) => entry.audio !== undefined)
    this.entries = []
    const requestIds = [...new Set(started.map((entry) => entry.item.requestId))]
    if (requestIds.length > 0) this.deps.cancel(requestIds)
  }

  get idle(): boolean {
    return !this.delivering && this.entries.length === 0
  }

  /** Starts synthesis for the first `maxAhead` sentences waiting (the head included). */
  private synthesizeAhead(): void {
    for (const entry of this.entries.slice(0, this.maxAhead)) {
      if (entry.audio) continue
      entry.audio = this.deps.synthesize(entry.item)
      // Awaited in order by drain(); a failure before its turn must not count as unhandled.
      entry.audio.catch(() => undefined)
    }
  }

  private async drain(): Promise<void> {
    if (this.delivering) return
    this.delivering = true
    const generation = this.generation
    try {
      while (this.entries.length > 0 && generation === this.generation) {
        const head = this.entries[0] as Entry<Audio>
        this.synthesizeAhead()
        let audio: Audio
        try {
          audio = await (head.audio as Promise<Audio>)
        } catch (error) {
          if (generation !== this.generation) break
          this.entries.shift()
          this.deps.onError(error, head.item)
          continue
        }
        if (generation !== this.generation) break
        this.entries.shift()
        this.synthesizeAhead()
        try {
          await this.deps.deliver(audio, head.item)
        } catch (error) {
          this.deps.onError(error, head.item)
        }
      }
    } finally {
      this.delivering = false
      if (this.entries.length > 0) void this.drain()
    }
  }
}
