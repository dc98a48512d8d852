import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionToken } from '../../../src/shared/contract'
import type {
  AvatarSession,
  AvatarSessionEvent,
  AvatarStartOptions,
} from '../../../src/renderer/src/provider/avatar-provider'
import { LiveAvatarApiError } from '../../../src/renderer/src/provider/liveavatar-errors'
import { mapAgentEvent } from '../../../src/renderer/src/provider/liveavatar-events'
import { createLiveAvatarProvider } from '../../../src/renderer/src/provider/liveavatar-provider'
import { deferred, LiveAvatarSession as FakeSdk, sessionApiError } from './fake-liveavatar-sdk'

vi.mock('@heygen/liveavatar-web-sdk', () => import('./fake-liveavatar-sdk'))

class FakeMediaStream {
  constructor(private readonly tracks: unknown[]) {}
  getTracks() {
    return this.tracks
  }
}

const OPTIONS = { enablePushToTalk: false } as AvatarStartOptions

function token(overrides: Partial<SessionToken> = {}): SessionToken {
  return {
    token: 'full-token',
    baseUrl: 'http://127.0.0.1:9/liveavatar',
    sandbox: false,
    kind: 'liveavatar',
    mode: 'full',
    lease: 'lease-1',
    ...overrides,
  }
}

function hooks(controller = new AbortController()) {
  const created: string[] = []
  const stopped: string[] = []
  return {
    created,
    stopped,
    controller,
    hooks: {
      signal: controller.signal,
      onSessionCreated: (id: string) => created.push(id),
      onSessionStopped: (id: string) => stopped.push(id),
    },
  }
}

/** The SDK session a start is working on (the newest), once its constructor ran. */
function sdk(): FakeSdk {
  const last = FakeSdk.instances.at(-1)
  if (!last) throw new Error('no SDK session yet')
  return last
}

async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i += 1) await new Promise((resolve) => setImmediate(resolve))
}

/** A start that goes all the way: `/start`, connected, the avatar's tracks. */
async function startLive(options: { token?: SessionToken; pushToTalk?: boolean } = {}) {
  const provider = createLiveAvatarProvider({ connectingGraceMs: 30 })
  const { hooks: startHooks, created } = hooks()
  const started = provider.start(
    options.token ?? token(),
    { ...OPTIONS, enablePushToTalk: options.pushToTalk ?? false },
    startHooks,
  )
  await flush()
  sdk().streamReady()
  const session = await started
  return { session, sdk: sdk(), created }
}

function record(session: AvatarSession, names: AvatarSessionEvent[]) {
  const seen: [string, unknown][] = []
  for (const name of names) session.on(name, (payload) => seen.push([name, payload]))
  return seen
}

let unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)

beforeEach(() => {
  FakeSdk.instances = []
  FakeSdk.hideClient = false
  FakeSdk.nextConnect = () => Promise.resolve()
  FakeSdk.nextStartSession = () => Promise.resolve({ session_id: 'session-1', max_session_duration: 600 })
  vi.stubGlobal('MediaStream', FakeMediaStream)
  unhandled = []
  process.on('unhandledRejection', onUnhandled)
})

afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
  vi.unstubAllGlobals()
})

describe('LiveAvatar provider: a start', () => {
  it('builds the SDK session from the token, with the voice chat off, and goes live with its tracks', async () => {
    const { session, sdk: live, created } = await startLive()
    expect(live.token).toBe('full-token')
    expect(live.config).toEqual({ apiUrl: 'http://127.0.0.1:9/liveavatar', voiceChat: false })
    expect(session.id).toBe('session-1')
    expect(created).toEqual(['session-1'])
    expect(session.durationLimitMs).toBe(600_000)
    expect(session.capabilities).toEqual({ speaksText: true, speaksAudio: false, voiceChat: true })
    expect(session.stream.getTracks()).toEqual([
      live._remoteVideoTrack?.mediaStreamTrack,
      live._remoteAudioTrack?.mediaStreamTrack,
    ])
  })

  it('reports the session id as soon as /start answers, before the room is connected', async () => {
    const connect = deferred()
    FakeSdk.nextConnect = () => connect.promise
    const { hooks: startHooks, created } = hooks()
    const started = createLiveAvatarProvider().start(token(), OPTIONS, startHooks)
    await flush()
    expect(sdk().state).toBe('CONNECTING')
    expect(created).toEqual(['session-1'])
    connect.resolve()
    sdk().streamReady()
    await expect(started).resolves.toBeDefined()
  })

  it('waits for the stream when CONNECTED comes first, and for CONNECTED when the stream comes first', async () => {
    const connect = deferred()
    FakeSdk.nextConnect = () => connect.promise
    const started = createLiveAvatarProvider().start(token(), OPTIONS, hooks().hooks)
    let settled = false
    void started.then(() => (settled = true))
    await flush()
    sdk().streamReady()
    await flush()
    expect(settled).toBe(false)
    connect.resolve()
    await started
    expect(settled).toBe(true)
  })

  it('builds a new SDK session for every start: the SDK never reconnects and cannot restart one', async () => {
    const first = await startLive({ token: token({ token: 'full-token-a' }) })
    first.sdk.serverStopped()
    const second = await startLive({ token: token({ token: 'full-token-b' }) })
    expect(FakeSdk.instances.map((instance) => instance.token)).toEqual(['full-token-a', 'full-token-b'])
    expect(FakeSdk.instances.map((instance) => instance.startCalls)).toEqual([1, 1])
    expect(second.session).not.toBe(first.session)
  })

  it('turns the SDK’s SessionApiError into a readable error', async () => {
    FakeSdk.nextStartSession = () => Promise.reject(sessionApiError('API request failed'))
    const unreachable = createLiveAvatarProvider().start(token(), OPTIONS, hooks().hooks)
    await expect(unreachable).rejects.toBeInstanceOf(LiveAvatarApiError)
    await expect(unreachable).rejects.toThrow(/could not be reached/)

    FakeSdk.nextStartSession = () => Promise.reject(sessionApiError('Session token expired', 4010, 401))
    await expect(createLiveAvatarProvider().start(token(), OPTIONS, hooks().hooks)).rejects.toThrow(
      'LiveAvatar refused the session token: Session token expired (code 4010, HTTP 401)',
    )
  })

  it('fails the start when the SDK ends the session while it starts (e.g. no agent joined)', async () => {
    FakeSdk.nextConnect = () =>
      Promise.reject(new Error('Timed out waiting for required participants: heygen'))
    await expect(createLiveAvatarProvider().start(token(), OPTIONS, hooks().hooks)).rejects.toThrow(
      'Timed out waiting for required participants: heygen',
    )
    // The SDK's own teardown POSTed /stop.
    expect(sdk().stopRequests).toHaveLength(1)
    expect(unhandled).toEqual([])
  })
})

describe('LiveAvatar provider: SDK quirks', () => {
  it('stop() while CONNECTING does nothing in the SDK: the adapter waits for start() to settle, then stops', async () => {
    const connect = deferred()
    FakeSdk.nextConnect = () => connect.promise
    const { hooks: startHooks, controller, stopped } = hooks()
    const started = createLiveAvatarProvider({ connectingGraceMs: 5_000 }).start(token(), OPTIONS, startHooks)
    started.catch(() => undefined)
    await flush()
    controller.abort()
    await flush()
    // Nothing could be stopped yet: the SDK is still connecting.
    expect(sdk().state).toBe('CONNECTING')
    expect(sdk().stopRequests).toHaveLength(0)
    connect.resolve()
    await expect(started).rejects.toThrow('abandoned')
    expect(sdk().stopCalls).toBe(1)
    expect(sdk().stopRequests).toHaveLength(1)
    expect(sdk().state).toBe('DISCONNECTED')
    expect(sdk().room.state).toBe('disconnected')
    // Confirmed at the provider, so the controller need not hand it to main.
    expect(stopped).toEqual(['session-1'])
  })

  it('an abandoned start whose POST /stop fails does not claim the session was stopped', async () => {
    const connect = deferred()
    FakeSdk.nextConnect = () => connect.promise
    const { hooks: startHooks, controller, stopped } = hooks()
    const started = createLiveAvatarProvider({ connectingGraceMs: 5_000 }).start(token(), OPTIONS, startHooks)
    started.catch(() => undefined)
    await flush()
    sdk().stopReply = () => Promise.reject(sessionApiError('Internal error', 5000, 502))
    controller.abort()
    connect.resolve()
    await expect(started).rejects.toThrow('abandoned')
    expect(sdk().stopRequests).toHaveLength(1)
    expect(stopped).toEqual([])
  })

  it('a LITE start() that hangs forever is ended by the abort: the room is left and the session stopped', async () => {
    FakeSdk.nextConnect = () => new Promise(() => undefined)
    const { hooks: startHooks, controller } = hooks()
    const started = createLiveAvatarProvider({ connectingGraceMs: 20 }).start(
      token({ token: 'lite-token', mode: 'lite' }),
      OPTIONS,
      startHooks,
    )
    await flush()
    controller.abort()
    await expect(started).rejects.toThrow('abandoned')
    expect(sdk().room.disconnectCalls).toBeGreaterThan(0)
    expect(sdk().room.state).toBe('disconnected')
    expect(sdk().stopRequests).toHaveLength(1)
    expect(sdk().state).toBe('DISCONNECTED')
  })

  it('a /start that answers after the start was abandoned is stopped by the SDK itself, and still reported', async () => {
    const startReply = deferred<{ session_id: string; max_session_duration: number }>()
    FakeSdk.nextStartSession = () => startReply.promise
    const { hooks: startHooks, controller, created } = hooks()
    const started = createLiveAvatarProvider({ connectingGraceMs: 10 }).start(token(), OPTIONS, startHooks)
    await flush()
    controller.abort()
    await expect(started).rejects.toThrow('abandoned')
    expect(sdk().stopRequests).toHaveLength(0)
    startReply.resolve({ session_id: 'late-session', max_session_duration: 600 })
    await flush()
    expect(created).toEqual(['late-session'])
    expect(sdk().stopRequests).toHaveLength(1)
    expect(sdk().room.state).toBe('disconnected')
    expect(unhandled).toEqual([])
  })

  it('stop() resolves only once POST /stop succeeded, and a failed one rejects without an unhandled rejection', async () => {
    const ok = await startLive()
    await ok.session.stop()
    expect(ok.sdk.stopCalls).toBe(1)
    expect(ok.sdk.room.state).toBe('disconnected')
    expect(ok.sdk._remoteVideoTrack?.mediaStreamTrack.stopped).toBe(true)

    const failing = await startLive()
    failing.sdk.stopReply = () => Promise.reject(sessionApiError('Internal error', 5000, 502))
    await expect(failing.session.stop()).rejects.toThrow(
      'LiveAvatar had a server error: Internal error (code 5000, HTTP 502)',
    )
    // Twice is safe: the same outcome.
    await expect(failing.session.stop()).rejects.toBeInstanceOf(LiveAvatarApiError)
    await flush()
    expect(unhandled).toEqual([])
  })

  it('keepAlive() reports a failed request (the SDK’s own keepAlive() never does) and leaks no rejection', async () => {
    const { session, sdk: live } = await startLive()
    let calls = 0
    live.keepAliveReply = () => {
      calls += 1
      return Promise.reject(sessionApiError('Session not found', 4040, 404))
    }
    await expect(session.keepAlive()).rejects.toThrow(/Session not found \(code 4040, HTTP 404\)/)
    // The SDK's own path (fire and forget) must not leave an unhandled rejection behind either.
    await live.keepAlive()
    await flush()
    expect(calls).toBe(2)
    expect(unhandled).toEqual([])
  })

  it('keepAlive() succeeds quietly, and does nothing once the session is no longer connected', async () => {
    const { session, sdk: live } = await startLive()
    let calls = 0
    live.keepAliveReply = async () => {
      calls += 1
    }
    await session.keepAlive()
    live.serverStopped()
    await session.keepAlive()
    expect(calls).toBe(1)
  })
})

describe('LiveAvatar provider: without the SDK’s private client', () => {
  it('falls back to the public API: the id is reported once connected, stop() and keepAlive() still work', async () => {
    FakeSdk.hideClient = true
    const { session, sdk: live, created } = await startLive()
    expect(live.sessionClient).toBeUndefined()
    expect(created).toEqual(['session-1'])
    expect(session.id).toBe('session-1')
    expect(session.durationLimitMs).toBe(600_000)
    await session.keepAlive()
    await session.stop()
    expect(live.stopCalls).toBe(1)
    expect(live.room.state).toBe('disconnected')
  })
})

describe('LiveAvatar provider: events', () => {
  it('maps the SDK’s agent and session events to the neutral ones', async () => {
    const { session, sdk: live } = await startLive()
    const seen = record(session, [
      'avatarStartTalking',
      'avatarStopTalking',
      'avatarTalkingMessage',
      'avatarEndMessage',
      'userStart',
      'userStop',
      'userTalkingMessage',
      'userEndMessage',
      'connectionQuality',
    ])
    live.emit('user.speak_started', { event_id: 'u1', event_type: 'user.speak_started' })
    live.emit('user.transcription.chunk', { event_id: 'u2', text: 'Where is' })
    live.emit('user.transcription.chunk', { event_id: 'u3', text: 'Where is the cafe' })
    live.emit('user.speak_ended', { event_id: 'u4' })
    live.emit('user.transcription', { event_id: 'u5', text: 'Where is the cafe?' })
    live.emit('avatar.speak_started', { event_id: 'a1' })
    live.emit('avatar.transcription.chunk', { event_id: 'a2', text: 'Ground' })
    live.emit('avatar.transcription.chunk', { event_id: 'a3', text: 'floor.' })
    live.emit('avatar.transcription', { event_id: 'a4', text: 'Ground floor.' })
    live.emit('avatar.speak_ended', { event_id: 'a5' })
    live.emit('session.connection_quality_changed', 'BAD')
    expect(seen).toEqual([
      ['userStart', {}],
      ['userTalkingMessage', { text: 'Where is', cumulative: true }],
      ['userTalkingMessage', { text: 'Where is the cafe', cumulative: true }],
      ['userStop', {}],
      ['userTalkingMessage', { text: 'Where is the cafe?', cumulative: true }],
      ['userEndMessage', {}],
      ['avatarStartTalking', { taskId: 'a1' }],
      ['avatarTalkingMessage', { text: 'Ground' }],
      ['avatarTalkingMessage', { text: 'floor.' }],
      ['avatarTalkingMessage', { text: 'Ground floor.', cumulative: true }],
      ['avatarEndMessage', {}],
      ['avatarStopTalking', { taskId: 'a5' }],
      ['connectionQuality', { quality: 'BAD' }],
    ])
  })

  it('an empty final transcription ends the message without wiping the caption', () => {
    expect(mapAgentEvent('avatar.transcription', { text: '' })).toEqual([['avatarEndMessage', {}]])
  })

  it('a session the server ends is `dropped`; one we stop is not', async () => {
    const { session, sdk: live } = await startLive()
    const dropped = record(session, ['dropped'])
    live.serverStopped()
    expect(dropped).toEqual([['dropped', { reason: 'LiveAvatar session ended (SERVER_INITIATED)' }]])

    const other = await startLive()
    const quiet = record(other.session, ['dropped'])
    await other.session.stop()
    expect(quiet).toEqual([])
  })

  it('an avatar track that ends, or the avatar leaving the room, is `dropped` (once)', async () => {
    const { session, sdk: live } = await startLive()
    const dropped = record(session, ['dropped'])
    live._remoteVideoTrack?.mediaStreamTrack.fire('ended')
    live._remoteAudioTrack?.mediaStreamTrack.fire('ended')
    expect(dropped).toEqual([['dropped', { reason: 'avatar video track ended' }]])

    const other = await startLive()
    const left = record(other.session, ['dropped'])
    other.sdk.room.emit('participantDisconnected', { identity: 'someone-else' })
    other.sdk.room.emit('participantDisconnected', { identity: 'heygen' })
    expect(left).toEqual([['dropped', { reason: 'the avatar left the room' }]])
  })
})

describe('LiveAvatar provider: speaking and voice chat', () => {
  it('FULL: repeat and talk become repeat() and message(); audio is refused', async () => {
    const { session, sdk: live } = await startLive()
    await session.speak('Hello there.', { type: 'repeat' })
    await session.speak('What is on today?', { type: 'talk' })
    await session.interrupt()
    expect(live.commands).toEqual([
      ['repeat', 'Hello there.'],
      ['message', 'What is on today?'],
      ['interrupt'],
    ])
    await expect(session.speakAudio('AAAA')).rejects.toThrow(/LITE/)
  })

  it('LITE: speaks audio through repeatAudio(), refuses text, and has no voice chat', async () => {
    const { session, sdk: live } = await startLive({ token: token({ token: 'lite-token', mode: 'lite' }) })
    expect(session.capabilities).toEqual({ speaksText: false, speaksAudio: true, voiceChat: false })
    await session.speakAudio('UklGRg==')
    expect(live.commands).toEqual([['repeatAudio', 'UklGRg==']])
    await expect(session.speak('Hello.', { type: 'repeat' })).rejects.toThrow(/only audio/)
    await expect(session.startVoiceChat({ muted: false })).rejects.toThrow(/no voice chat/)
  })

  it('a command the SDK throws on becomes a rejection', async () => {
    const { session, sdk: live } = await startLive()
    live.serverStopped()
    await expect(session.speak('Too late.', { type: 'repeat' })).rejects.toThrow(/connected/)
  })

  it('voice chat: conversational, or push-to-talk muted until the button is held; closing unpublishes the mic', async () => {
    const conversational = await startLive()
    await conversational.session.startVoiceChat({ muted: false })
    expect(conversational.sdk.voiceChat.startConfigs).toEqual([
      { defaultMuted: false, mode: 'CONVERSATIONAL' },
    ])

    const pushToTalk = await startLive({ pushToTalk: true })
    await pushToTalk.session.startVoiceChat({ muted: false })
    expect(pushToTalk.sdk.voiceChat.startConfigs).toEqual([{ defaultMuted: true, mode: 'PUSH_TO_TALK' }])
    await pushToTalk.session.pushToTalk(true)
    await pushToTalk.session.pushToTalk(false)
    // stopPushToTalk() leaves the microphone open; the adapter mutes it.
    expect(pushToTalk.sdk.voiceChat.muted).toEqual([true])

    await pushToTalk.session.closeVoiceChat()
    expect(pushToTalk.sdk.voiceChat.stopCalls).toBe(1)
    expect(pushToTalk.sdk.room.unpublished).toEqual([{ kind: 'audio', id: 'mic' }])
  })

  it('a voice chat the SDK silently did not start is an error', async () => {
    const { session, sdk: live } = await startLive()
    live.room.state = 'reconnecting'
    live.voiceChat.start = async () => undefined
    await expect(session.startVoiceChat({ muted: false })).rejects.toThrow('did not start')
  })
})
