/** Speaks one sentence; resolves once the provider accepted the task (not when it has been spoken). */
export type SpeakSentence = (text: string) => Promise<void>

/**
 * Hands sentences to the avatar one at a time and in order, as REPEAT tasks. Each is sent as soon as the one
 * before it was accepted, so the provider's own queue keeps the speech continuous while the LLM is still
 * writing the rest. `clear()` (barge-in) drops whatever has not been sent yet.
 */
export class SpeechQueue {
  private readonly pending: string[] = []
  private sending = false
  private generation = 0

  constructor(
    private readonly speak: SpeakSentence,
    private readonly onError: (error: unknown) => void,
  ) {}

  enqueue(sentence: string): void {
    this.pending.push(sentence)
    void this.drain()
  }

  clear(): void {
    this.generation += 1
    this.pending.length = 0
  }

  get idle(): boolean {
    return !this.sending && this.pending.length === 0
  }

  private async drain(): Promise<void> {
    if (this.sending) return
    this.sending = true
    const generation = this.generation
    try {
      while (this.pending.length > 0 && generation === this.generation) {
        const sentence = this.pending.shift() as string
        try {
          await this.speak(sentence)
        } catch (error) {
          this.onError(error)
        }
      }
    } finally {
      this.sending = false
      if (this.pending.length > 0) void this.drain()
    }
  }
}
