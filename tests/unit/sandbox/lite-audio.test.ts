import { describe, expect, it } from 'vitest'
import { AUDIO_FRAME_SAMPLES } from '../../../src/sandbox/media/ffmpeg-args'
import { LiteAudioQueue } from '../../../src/sandbox/liveavatar/lite-audio'
import { MicActivity } from '../../../src/sandbox/liveavatar/mic-activity'

/** `ms` of a 24 kHz tone, as the SDK's agent.speak chunks carry it. */
function tone(ms: number, amplitude = 8000): Int16Array {
  const samples = new Int16Array((24_000 * ms) / 1000)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(i / 5) * amplitude)
  return samples
}

function queueWithLog(): { queue: LiteAudioQueue; log: string[]; clock: { now: number } } {
  const log: string[] = []
  const clock = { now: 0 }
  const queue = new LiteAudioQueue(
    {
      started: (id) => log.push(`started ${id} @${clock.now}`),
      ended: (id, interrupted) => log.push(`ended ${id}${interrupted ? ' interrupted' : ''} @${clock.now}`),
    },
    () => clock.now,
  )
  return { queue, log, clock }
}

/** Pulls frames as the audio clock does, 20 ms of "time" apiece. */
function pull(queue: LiteAudioQueue, clock: { now: number }, frames: number): number[] {
  const levels: number[] = []
  for (let i = 0; i < frames; i++) {
    clock.now += 20
    levels.push(queue.nextFrame(new Int16Array(AUDIO_FRAME_SAMPLES)).rms)
  }
  return levels
}

describe('LITE audio queue', () => {
  it('buffers an utterance sent all at once and plays it at real-time pace, 20 ms per frame', () => {
    const { queue, log, clock } = queueWithLog()
    // As the SDK slices 1 s: about 400 ms, then the rest, then speak_end, all within milliseconds.
    queue.append('u1', tone(400))
    queue.append('u1', tone(600))
    queue.end('u1')
    expect(queue.bufferedSamples).toBe(48_000)
    const levels = pull(queue, clock, 52)
    expect(log).toEqual(['started u1 @20', 'ended u1 @1000'])
    expect(levels.slice(0, 50).every((level) => level > 0.1)).toBe(true)
    expect(levels.slice(50)).toEqual([0, 0])
    expect(queue.records).toEqual([
      {
        eventId: 'u1',
        firstChunkAt: 0,
        receivedAt: 0,
        samples: 24_000,
        startedAt: 20,
        endedAt: 1000,
        interrupted: false,
      },
    ])
  })

  it('plays silence while starved and ends only after speak_end', () => {
    const { queue, log, clock } = queueWithLog()
    queue.append('u1', tone(100))
    expect(pull(queue, clock, 5).every((level) => level > 0.1)).toBe(true)
    expect(pull(queue, clock, 3)).toEqual([0, 0, 0])
    expect(log).toEqual(['started u1 @20'])
    expect(queue.speaking).toBe(true)
    queue.append('u1', tone(40))
    queue.end('u1')
    pull(queue, clock, 2)
    expect(log).toEqual(['started u1 @20', 'ended u1 @200'])
    expect(queue.speaking).toBe(false)
  })

  it('plays utterances one after another, each with its own events', () => {
    const { queue, log, clock } = queueWithLog()
    queue.append('a', tone(40))
    queue.end('a')
    queue.append('b', tone(40))
    queue.end('b')
    pull(queue, clock, 5)
    expect(log).toEqual(['started a @20', 'ended a @40', 'started b @60', 'ended b @80'])
    expect(queue.records.map((record) => record.eventId)).toEqual(['a', 'b'])
  })

  it('interrupt ends the current utterance at once and drops what is queued, without events for it', () => {
    const { queue, log, clock } = queueWithLog()
    queue.append('a', tone(1000))
    queue.end('a')
    queue.append('b', tone(1000))
    pull(queue, clock, 3)
    queue.interrupt()
    expect(log).toEqual(['started a @20', 'ended a interrupted @60'])
    expect(queue.speaking).toBe(false)
    expect(pull(queue, clock, 2)).toEqual([0, 0])
    expect(queue.records.map((record) => record.interrupted)).toEqual([true, true])
  })

  it('a speak_end for an unknown utterance changes nothing', () => {
    const { queue, log, clock } = queueWithLog()
    queue.end('ghost')
    pull(queue, clock, 2)
    expect(log).toEqual([])
    expect(queue.records).toEqual([])
  })
})

describe('microphone activity from Opus packet sizes', () => {
  const feed = (mic: MicActivity, sizes: number[], start: number): (string | undefined)[] =>
    sizes.map((size, i) => mic.packet(size, start + i * 20))

  it('learns the quiet floor, starts on a run of large packets and stops after a pause', () => {
    const mic = new MicActivity()
    expect(feed(mic, Array(50).fill(55), 0).filter(Boolean)).toEqual([])
    const speech = feed(mic, Array(40).fill(130), 1000)
    expect(speech.indexOf('start')).toBe(7)
    expect(mic.isTalking).toBe(true)
    const quiet = feed(mic, Array(50).fill(56), 1800)
    expect(quiet.filter(Boolean)).toEqual(['stop'])
    expect(mic.isTalking).toBe(false)
  })

  it('ends speech by time alone when DTX sends nothing, and ignores isolated blips', () => {
    const mic = new MicActivity()
    feed(mic, Array(20).fill(3), 0)
    feed(mic, Array(10).fill(90), 400)
    expect(mic.isTalking).toBe(true)
    expect(mic.poll(700)).toBeUndefined()
    expect(mic.poll(1500)).toBe('stop')
    // Blips further apart than the gap never add up to speech.
    const blips = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => mic.packet(90, 3000 + i * 300))
    expect(blips.filter(Boolean)).toEqual([])
  })
})
