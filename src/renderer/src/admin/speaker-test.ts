/** Two short rising notes, loud enough to hear across a lobby, gentle enough not to startle. */
const NOTES_HZ = [660, 880]
const NOTE_SECONDS = 0.35

/** Plays the chime on the default output and resolves when it has finished. */
export async function playChime(): Promise<void> {
  const context = new AudioContext()
  try {
    await context.resume()
    const start = context.currentTime + 0.05
    NOTES_HZ.forEach((frequency, index) => {
      const at = start + index * NOTE_SECONDS
      const oscillator = context.createOscillator()
      const gain = context.createGain()
      oscillator.frequency.value = frequency
      // A soft attack and decay: a click-free chime rather than a beep.
      gain.gain.setValueAtTime(0, at)
      gain.gain.linearRampToValueAtTime(0.4, at + 0.03)
      gain.gain.exponentialRampToValueAtTime(0.001, at + NOTE_SECONDS)
      oscillator.connect(gain).connect(context.destination)
      oscillator.start(at)
      oscillator.stop(at + NOTE_SECONDS)
    })
    await new Promise((resolve) => setTimeout(resolve, (0.05 + NOTES_HZ.length * NOTE_SECONDS) * 1000 + 50))
  } finally {
    await context.close().catch(() => undefined)
  }
}
