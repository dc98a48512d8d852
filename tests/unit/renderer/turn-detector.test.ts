import { describe, expect, it } from 'vitest'
import { TurnDetector, type TurnDetectorEvents } from '../../../src/renderer/src/conversation/turn-detector'

const FRAME_MS = 96
const FRAME_SAMPLES = 1536

function recorder() {
  const events: string[] = []
  const audio: Float32Array[] = []
  const handlers: TurnDetectorEvents = {
    speechStart: () => events.push('start'),
    pause: (samples) => {
      events.push(`pause:${samples.length / FRAME_SAMPLES}`)
      audio.push(samples)
    },
    resume: () => events.push('resume'),
    endOfTurn: (samples) => {
      events.push(`end:${samples.length / FRAME_SAMPLES}`)
      audio.push(samples)
    },
    misfire: () => events.push('misfire'),
  }
  return { events, audio, handlers }
}

function detector(handlers: TurnDetectorEvents) {
  return new TurnDetector(
    {
      frameMs: FRAME_MS,
      speechThreshold: 0.6,
      silenceThreshold: 0.45,
      minSpeechMs: 300,
      preSpeechPadMs: 300,
      endOfTurnMs: 700,
      pauseMs: 200,
    },
    handlers,
  )
}

/** Frames whose every sample carries its frame number, so tests can see which frames a turn's audio holds. */
function feed(target: TurnDetector, probabilities: number[], from = 0): number {
  probabilities.forEach((probability, index) =>
    target.process(probability, new Float32Array(FRAME_SAMPLES).fill(from + index)),
  )
  return from + probabilities.length
}

const speech = (frames: number) => Array<number>(frames).fill(0.9)
const silence = (frames: number) => Array<number>(frames).fill(0.1)

describe('TurnDetector', () => {
  it('starts after the minimum speech, pauses after about 200 ms of silence and ends after the full silence', () => {
    const { events, audio, handlers } = recorder()
    const turns = detector(handlers)
    let frame = feed(turns, silence(5))
    frame = feed(turns, speech(2), frame)
    expect(events).toEqual([])
    frame = feed(turns, speech(1), frame)
    expect(events).toEqual(['start'])
    frame = feed(turns, speech(5), frame)
    // Two silent frames of 96 ms: the pause, with the audio so far (3 frames of padding + 8 of speech + 2).
    frame = feed(turns, silence(2), frame)
    expect(events).toEqual(['start', 'pause:13'])
    frame = feed(turns, silence(4), frame)
    expect(events).toHaveLength(2)
    // 700 ms = 7 frames of silence end the turn, with every frame from the padding on.
    feed(turns, silence(1), frame)
    expect(events).toEqual(['start', 'pause:13', 'end:18'])
    expect(Array.from(audio[1]!.filter((_, index) => index % FRAME_SAMPLES === 0))).toEqual(
      Array.from({ length: 18 }, (_, index) => index + 2),
    )
    expect(turns.inTurn).toBe(false)
  })

  it('resumes when speech comes back after a pause, and pauses again with the longer audio', () => {
    const { events, handlers } = recorder()
    const turns = detector(handlers)
    let frame = feed(turns, speech(6))
    frame = feed(turns, silence(5), frame)
    frame = feed(turns, speech(4), frame)
    frame = feed(turns, silence(2), frame)
    feed(turns, silence(7), frame)
    expect(events).toEqual(['start', 'pause:8', 'resume', 'pause:17', 'end:22'])
  })

  it('ends a turn on surely silent frames only, as vad-web does, but pauses on any frame that is not speech', () => {
    const { events, handlers } = recorder()
    const turns = detector(handlers)
    let frame = feed(turns, speech(4))
    // A fading voice scores between the thresholds: quiet enough for a pause, not silent enough to end the turn.
    frame = feed(turns, [0.5, 0.5], frame)
    expect(events).toEqual(['start', 'pause:6'])
    frame = feed(turns, [0.5, 0.5, 0.1], frame)
    feed(turns, silence(5), frame)
    expect(events).toEqual(['start', 'pause:6'])
    feed(turns, silence(1), frame + 5)
    expect(events).toEqual(['start', 'pause:6', 'end:15'])
  })

  it('holds the end for as long past the full silence as its events ask, asking on every silent frame after it', () => {
    const { events, handlers } = recorder()
    let extraMs = 250
    const asked: number[] = []
    const turns = detector({
      ...handlers,
      extraSilenceMs: () => {
        asked.push(extraMs)
        return extraMs
      },
    })
    let frame = feed(turns, speech(5))
    frame = feed(turns, silence(7), frame)
    // 250 ms more is three frames, rounded up.
    frame = feed(turns, silence(2), frame)
    expect(events).toEqual(['start', 'pause:7'])
    expect(asked).toHaveLength(3)
    // Asked again, the answer is now "no longer": the turn ends on that frame.
    extraMs = 0
    feed(turns, silence(1), frame)
    expect(events).toEqual(['start', 'pause:7', 'end:15'])
  })

  it('calls a start shorter than the minimum a misfire, with no pause', () => {
    const { events, handlers } = recorder()
    const turns = detector(handlers)
    feed(turns, [...speech(2), ...silence(7)])
    expect(events).toEqual(['misfire'])
  })

  it('forgets a turn on reset, without events', () => {
    const { events, handlers } = recorder()
    const turns = detector(handlers)
    feed(turns, [...speech(5), ...silence(2)])
    turns.reset()
    feed(turns, silence(10))
    expect(events).toEqual(['start', 'pause:7'])
  })
})
