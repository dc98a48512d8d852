import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionToken } from '../../../src/shared/contract'
import type { AvatarStartOptions } from '../../../src/renderer/src/provider/avatar-provider'

/** Just enough of `@heygen/streaming-avatar` for a start that hangs after the session was created. */
class FakeStreamingAvatar {
  static instances: FakeStreamingAvatar[] = []
  static stopFails = false
  mediaStream: MediaStream | undefined
  room: undefined
  stopCalls = 0
  private failStart: ((error: Error) => void) | undefined

  constructor() {
    FakeStreamingAvatar.instances.push(this)
  }

  newSession() {
    return Promise.resolve({ session_id: 'S1', session_duration_limit: 600 })
  }

  /** Hangs until the session is stopped, as the SDK's does while the room never connects. */
  startAvatar() {
    return new Promise((_resolve, reject) => {
      this.failStart = reject
    })
  }

  stopAvatar() {
    this.stopCalls += 1
    this.failStart?.(new Error('room closed'))
    return FakeStreamingAvatar.stopFails ? Promise.reject(new Error('500')) : Promise.resolve()
  }

  on() {}
  off() {}
}

const enumOfNames = new Proxy({}, { get: (_target, name) => String(name) })

vi.mock('@heygen/streaming-avatar', () => ({
  default: FakeStreamingAvatar,
  StreamingEvents: enumOfNames,
  TaskMode: enumOfNames,
  TaskType: enumOfNames,
}))

const { createHeygenProvider } = await import('../../../src/renderer/src/provider/heygen-provider')

const TOKEN: SessionToken = {
  token: 't',
  baseUrl: 'http://127.0.0.1:9',
  sandbox: true,
  kind: 'heygen',
  lease: 'L1',
}
const OPTIONS = { avatarName: 'A', quality: 'low', voiceChatTransport: 'websocket' } as AvatarStartOptions

async function abandonedStart(): Promise<{ created: string[]; stopped: string[] }> {
  const created: string[] = []
  const stopped: string[] = []
  const controller = new AbortController()
  const started = createHeygenProvider().start(TOKEN, OPTIONS, {
    signal: controller.signal,
    onSessionCreated: (id) => created.push(id),
    onSessionStopped: (id) => stopped.push(id),
  })
  await new Promise((resolve) => setImmediate(resolve))
  controller.abort()
  await expect(started).rejects.toThrow()
  return { created, stopped }
}

describe('HeyGen provider: an abandoned start', () => {
  beforeEach(() => {
    FakeStreamingAvatar.instances = []
    FakeStreamingAvatar.stopFails = false
  })

  it('stops the session it created and says so, so the controller need not hand it to main', async () => {
    const { created, stopped } = await abandonedStart()
    expect(created).toEqual(['S1'])
    expect(FakeStreamingAvatar.instances[0]?.stopCalls).toBe(1)
    expect(stopped).toEqual(['S1'])
  })

  it('does not claim a stop the provider refused', async () => {
    FakeStreamingAvatar.stopFails = true
    const { created, stopped } = await abandonedStart()
    expect(created).toEqual(['S1'])
    expect(FakeStreamingAvatar.instances[0]?.stopCalls).toBe(1)
    expect(stopped).toEqual([])
  })
})
