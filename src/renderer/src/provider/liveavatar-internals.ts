import type { LiveAvatarSession, SessionInfo } from '@heygen/liveavatar-web-sdk'

/**
 * The private fields of `LiveAvatarSession` (0.0.18, pinned exactly) the adapter needs, because the public API
 * cannot: learn the session id the moment `/start` answers, know whether POST /stop really succeeded (the SDK
 * fires it without awaiting), get the avatar's tracks without an element (see `avatarTracks`), unpublish the
 * microphone (the SDK only stops it) and tear down a start that hangs. Every field is optional: if a future SDK
 * renames one, the adapter falls back to the public API and says so in the log.
 */

interface SessionClient {
  startSession(): Promise<SessionInfo>
  stopSession(): Promise<void>
  keepAlive(): Promise<void>
}

interface TrackLike {
  kind?: string
  mediaStreamTrack?: MediaStreamTrack
}

interface LocalParticipantLike {
  audioTrackPublications?: Map<string, { track?: TrackLike }>
  unpublishTrack?(track: TrackLike, stopOnUnpublish?: boolean): Promise<unknown>
}

export interface RoomLike {
  state?: string
  disconnect?(stopTracks?: boolean): Promise<void>
  on?(event: string, listener: (...args: never[]) => void): unknown
  off?(event: string, listener: (...args: never[]) => void): unknown
  localParticipant?: LocalParticipantLike
}

interface Internals {
  sessionClient?: SessionClient
  room?: RoomLike
  _remoteVideoTrack?: TrackLike | null
  _remoteAudioTrack?: TrackLike | null
}

function internals(sdk: LiveAvatarSession): Internals {
  return sdk as unknown as Internals
}

export interface InstrumentHooks {
  /** `/start` answered: the session exists at the provider (and costs credits) from now on. */
  onStarted(info: SessionInfo): void
  /** True once we gave up on this start: a late `/start` reply is then failed, so the SDK stops it itself. */
  abandoned(): boolean
}

export interface SessionApi {
  /** False when the SDK's client was not found; the adapter then relies on the public API only. */
  readonly instrumented: boolean
  /** The last POST /stop the SDK fired (it never awaits it); undefined if it has not fired one. */
  lastStop(): Promise<void> | undefined
  /** POST /keep-alive, awaited, so a failure is reported (the SDK's `keepAlive()` always resolves). */
  keepAlive(): Promise<void>
}

/**
 * Wraps the SDK's REST client. The SDK sees calls that never reject where it does not await them (no unhandled
 * rejections); the adapter keeps the real outcome.
 */
export function instrumentSessionApi(sdk: LiveAvatarSession, hooks: InstrumentHooks): SessionApi {
  const client = internals(sdk).sessionClient
  if (
    !client ||
    typeof client.startSession !== 'function' ||
    typeof client.stopSession !== 'function' ||
    typeof client.keepAlive !== 'function'
  ) {
    return { instrumented: false, lastStop: () => undefined, keepAlive: () => sdk.keepAlive() }
  }
  const startSession = client.startSession.bind(client)
  const stopSession = client.stopSession.bind(client)
  const keepAlive = client.keepAlive.bind(client)
  let lastStop: Promise<void> | undefined

  client.startSession = async () => {
    const info = await startSession()
    hooks.onStarted(info)
    // The SDK's start() catches this, runs its cleanup (POST /stop) and emits `disconnected`.
    if (hooks.abandoned()) throw new Error('The avatar start was abandoned')
    return info
  }
  client.stopSession = () => {
    const request = stopSession()
    request.catch(() => undefined)
    lastStop = request
    return request.then(
      () => undefined,
      () => undefined,
    )
  }
  client.keepAlive = () =>
    keepAlive().then(
      () => undefined,
      () => undefined,
    )
  return { instrumented: true, lastStop: () => lastStop, keepAlive }
}

/**
 * The avatar's video and audio tracks as the SDK subscribed them. Not through `attach(element)`: the room uses
 * adaptive stream, which pauses a video track whose elements are all hidden, and the stage shows the stream
 * through its own element (and the compositor), so an extra hidden element would freeze the avatar.
 */
export function avatarTracks(sdk: LiveAvatarSession): MediaStreamTrack[] {
  const { _remoteVideoTrack: video, _remoteAudioTrack: audio } = internals(sdk)
  return [video?.mediaStreamTrack, audio?.mediaStreamTrack].filter(
    (track): track is MediaStreamTrack => track !== undefined,
  )
}

export function roomOf(sdk: LiveAvatarSession): RoomLike | undefined {
  return internals(sdk).room
}

/**
 * Leaves the LiveKit room if the SDK did not: its cleanup only disconnects a room in state `connected`, so a room
 * that was reconnecting or still connecting would stay open. Disconnecting a room mid-start also makes the SDK
 * run its own teardown (POST /stop), which is how a hung start is ended.
 */
export async function disconnectRoom(sdk: LiveAvatarSession): Promise<void> {
  const room = roomOf(sdk)
  if (!room?.disconnect || room.state === 'disconnected') return
  await room.disconnect(true).catch(() => undefined)
}

/** `VoiceChat.stop()` stops the microphone but leaves it published; unpublish it so the room has no dead track. */
export async function unpublishMicrophone(sdk: LiveAvatarSession): Promise<void> {
  const participant = roomOf(sdk)?.localParticipant
  const publications = participant?.audioTrackPublications
  if (!participant?.unpublishTrack || !publications) return
  for (const publication of [...publications.values()]) {
    if (publication.track) await participant.unpublishTrack(publication.track, true).catch(() => undefined)
  }
}
