/** A small seeded generator (mulberry32): the same --seed gives the same visitors and faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const FAULT_KINDS = [
  'livekit-leave',
  'chat-socket-drop',
  'token-5xx',
  'token-429',
  'sandbox-restart',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** Relative weights: a restart is rare, the everyday network faults are common. */
const FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  'livekit-leave': 3,
  'chat-socket-drop': 3,
  'token-5xx': 2,
  'token-429': 2,
  'sandbox-restart': 1,
}
const FAULT_CHANCE = 0.4

/**
 * How a visitor's episode ends: `reload` is the kiosk going live again for the next visitor, `close` the page
 * going away (its session must still be stopped), `stay` the page staying up through the silence.
 */
export type Leave = 'reload' | 'close' | 'stay'

export interface EpisodePlan {
  /** Questions asked, one after another, each waiting for the answer to start. */
  questions: number
  /** Speak again while the avatar answers the last question. */
  bargeIn: boolean
  /** Silence after the visitor is done, before the next one comes. */
  silenceMs: number
  leave: Leave
  /** At most one fault per episode, injected while the visitor talks. */
  fault: FaultKind | undefined
}

function pick<T extends string>(random: () => number, weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][]
  let roll = random() * entries.reduce((sum, [, weight]) => sum + weight, 0)
  for (const [value, weight] of entries) {
    roll -= weight
    if (roll < 0) return value
  }
  return entries.at(-1)![0]
}

export function planEpisode(random: () => number, options: { allowRestart: boolean }): EpisodePlan {
  const questions = 1 + Math.floor(random() * 3)
  const bargeIn = random() < 0.5
  const silenceMs = 5_000 + Math.floor(random() * 20_000)
  const leave = pick<Leave>(random, { reload: 2, close: 1, stay: 1 })
  let fault: FaultKind | undefined
  if (random() < FAULT_CHANCE) {
    const weights = { ...FAULT_WEIGHTS }
    if (!options.allowRestart) weights['sandbox-restart'] = 0
    fault = pick(random, weights)
  }
  return { questions, bargeIn, silenceMs, leave, fault }
}
