import { describe, expect, it } from 'vitest'
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE } from '../../../src/sandbox/media/ffmpeg-args'
import { Speaker, type SpeakerEvents } from '../../../src/sandbox/speech/speaker'

/** A tone of `ms` milliseconds at a clearly voiced level. */
function tone(ms: number): Int16Array {
  const samples = new Int16Array(Math.round((AUDIO_SAMPLE_RATE * ms) / 1000))
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin(i / 8))
  return samples
}

function recordingSpeaker(): { speaker: Speaker; log: string[] } {
  const log: string[] = []
  const events: SpeakerEvents = {
    startTalking: (id) => log.push(`start ${id}`),
    word: (id, message) => log.push(`word ${id} ${message}`),
    endMessage: (id) => log.push(`end ${id}`),
    stopTalking: (id, ms) => log.push(`stop ${id} ${ms}`),
  }
  return { speaker: new Speaker(events), log }
}

async function pull(speaker: Speaker, frames: number): Promise<number[]> {
  await Promise.resolve()
  const levels: number[] = []
  for (let i = 0; i < frames; i++) levels.push(speaker.nextFrame().rms)
  return levels
}

describe('Speaker', () => {
  it('produces quiet comfort noise when idle', () => {
    const { speaker, log } = recordingSpeaker()
    const { frame, rms } = speaker.nextFrame()
    expect(frame).toHaveLength(AUDIO_FRAME_SAMPLES)
    expect(rms).toBe(0)
    expect(Math.max(...frame.map(Math.abs))).toBeLessThanOrEqual(2)
    expect(log).toEqual([])
  })

  it('emits start, every word in order, end, then stop with the duration', async () => {
    const { speaker, log } = recordingSpeaker()
    const done = speaker.enqueue('t1', 'one two three', Promise.resolve(tone(600)))
    const levels = await pull(speaker, 40)
    expect(log).toEqual([
      'start t1',
      'word t1 one ',
      'word t1 two ',
      'word t1 three',
      'end t1',
      'stop t1 600',
    ])
    expect(Math.max(...levels)).toBeGreaterThan(0.1)
    await expect(done).resolves.toEqual({ taskId: 't1', durationMs: 600, interrupted: false })
  })

  it('plays tasks in the order they were queued, even if a later one synthesises first', async () => {
    const { speaker, log } = recordingSpeaker()
    let releaseFirst: (pcm: Int16Array) => void = () => {}
    speaker.enqueue('slow', 'slow', new Promise((resolve) => (releaseFirst = resolve)))
    speaker.enqueue('fast', 'fast', Promise.resolve(tone(100)))
    await pull(speaker, 10)
    expect(log).toEqual([])
    releaseFirst(tone(100))
    await pull(speaker, 20)
    expect(log.filter((line) => line.startsWith('start'))).toEqual(['start slow', 'start fast'])
  })

  it('interrupt cuts the current task short and drops the queue', async () => {
    const { speaker, log } = recordingSpeaker()
    const first = speaker.enqueue('a', 'a long sentence', Promise.resolve(tone(2000)))
    const second = speaker.enqueue('b', 'never said', Promise.resolve(tone(500)))
    await pull(speaker, 10)
    speaker.interrupt()
    expect(speaker.speaking).toBe(false)
    await pull(speaker, 50)
    expect(log.at(-2)).toBe('end a')
    expect(log.at(-1)).toBe('stop a 200')
    expect(log.some((line) => line.includes(' b'))).toBe(false)
    await expect(first).resolves.toMatchObject({ durationMs: 200, interrupted: true })
    await expect(second).resolves.toMatchObject({ durationMs: 0, interrupted: true })
  })

  it('skips a task whose synthesis failed and rejects its promise', async () => {
    const { speaker, log } = recordingSpeaker()
    const failed = speaker.enqueue('bad', 'x', Promise.reject(new Error('espeak died')))
    speaker.enqueue('good', 'y', Promise.resolve(tone(100)))
    await expect(failed).rejects.toThrow('espeak died')
    await pull(speaker, 10)
    expect(log[0]).toBe('start good')
  })
})
