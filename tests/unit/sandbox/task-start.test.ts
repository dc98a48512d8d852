import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE } from '../../../src/sandbox/media/ffmpeg-args'
import { ProcessRegistry } from '../../../src/sandbox/processes'
import { SANDBOX_AVATARS } from '../../../src/sandbox/session/avatars'
import { RoomSession } from '../../../src/sandbox/session/room-session'
import { DEFAULT_PERSONA } from '../../../src/sandbox/speech/responder'
import type { SpeakerEvents } from '../../../src/sandbox/speech/speaker'
import type * as Tts from '../../../src/sandbox/speech/tts'

/**
 * TaskRecord.startedAt: when the sandbox's speaker began playing each task, which the conversation bench
 * measures the avatar's first sound by. Synthesis is replaced by a fixed tone and the audio clock's timer is
 * faked, so the test pulls frames itself and the clock (Date) only moves when the test says.
 */
vi.mock('../../../src/sandbox/speech/tts', async (importOriginal) => ({
  ...(await importOriginal<typeof Tts>()),
  synthesize: () => Promise.resolve(tone(100)),
}))

function tone(ms: number): Int16Array {
  const samples = new Int16Array(Math.round((AUDIO_SAMPLE_RATE * ms) / 1000))
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin(i / 8))
  return samples
}

class PulledSession extends RoomSession {
  readonly protocol = 'heygen'
  readonly started: string[] = []

  protected speakerEvents(): SpeakerEvents {
    return {
      startTalking: (taskId) => this.started.push(taskId),
      word: () => {},
      endMessage: () => {},
      stopTalking: () => {},
    }
  }

  protected receiveClientData(): void {}

  userSays(): { taskId: string; answered: boolean } {
    return { taskId: 'unused', answered: false }
  }

  /** The next `count` 20 ms frames, as the audio clock would pull them, after pending synthesis settles. */
  async pull(count: number): Promise<void> {
    for (let i = 0; i < 3; i++) await Promise.resolve()
    for (let i = 0; i < count; i++) this.nextAudioFrame(new Int16Array(AUDIO_FRAME_SAMPLES))
  }
}

function session(): PulledSession {
  return new PulledSession(
    {
      id: 'task-start',
      livekitToken: 'token',
      quality: 'low',
      avatar: SANDBOX_AVATARS[0]!,
      voice: { language: 'en-us', variant: 'f3', rate: 1 },
      persona: DEFAULT_PERSONA,
      idleTimeoutSeconds: 60,
      sessionLimitSeconds: 600,
    },
    { registry: new ProcessRegistry(), codec: 'vp8', log: () => {}, onClosed: () => {} },
    { avatarIdentity: 'avatar', extraIdentities: [], eventTopic: undefined, warmupPackets: 0 },
  )
}

describe('task speech start times', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('notes when each task began playing, after its arrival, and keeps the arrival time', async () => {
    const room = session()
    await room.speak('repeat', 'first', 'async', 'task-1')
    await room.speak('repeat', 'second', 'async', 'task-2')
    expect(room.snapshot().tasks.map((task) => task.startedAt)).toEqual([null, null])

    vi.setSystemTime(1_000_500)
    await room.pull(1)
    // 100 ms of tone is 5 frames: the second task starts on the sixth pull, a second later here.
    vi.setSystemTime(1_001_500)
    await room.pull(10)
    const tasks = room.snapshot().tasks
    expect(room.started).toEqual(['task-1', 'task-2'])
    expect(tasks.map((task) => [task.text, task.at, task.startedAt])).toEqual([
      ['first', 1_000_000, 1_000_500],
      ['second', 1_000_000, 1_001_500],
    ])
    await room.close('stopped')
  })

  it('leaves startedAt null for a task interrupted while still queued', async () => {
    const room = session()
    await room.speak('repeat', 'playing', 'async', 'a')
    await room.speak('repeat', 'never played', 'async', 'b')
    vi.setSystemTime(1_000_200)
    await room.pull(2)
    room.interrupt()
    await room.pull(20)
    expect(room.snapshot().tasks.map((task) => [task.text, task.startedAt])).toEqual([
      ['playing', 1_000_200],
      ['never played', null],
    ])
    await room.close('stopped')
  })

  it('gives a later task that reuses an id its own start time', async () => {
    const room = session()
    await room.speak('repeat', 'one', 'async', 'same')
    vi.setSystemTime(1_000_100)
    await room.pull(10)
    await room.speak('repeat', 'two', 'async', 'same')
    vi.setSystemTime(1_000_900)
    await room.pull(10)
    expect(room.snapshot().tasks.map((task) => task.startedAt)).toEqual([1_000_100, 1_000_900])
    await room.close('stopped')
  })
})
