import { randomBytes } from 'node:crypto'
import {
  DisconnectReason,
  SignalRequest,
  SignalTarget,
  TrackInfo,
  TrackSource,
  TrackType,
  type SignalResponse,
} from '@livekit/protocol'
import type { MediaStreamTrack, RTCIceCandidateInit } from 'werift'
import type { WebSocket } from 'ws'
import type { SandboxLogger, VideoCodec } from '../options'
import * as messages from './messages'
import { createSubscriber, Publisher, type Subscriber } from './peers'

export interface AvatarTracks {
  video: MediaStreamTrack
  audio: MediaStreamTrack
}

export interface SignalConnectionHooks {
  room: messages.RoomIdentity
  codec: VideoCodec
  log: SandboxLogger
  /** The subscriber connection exists: start feeding its tracks. */
  onTracks(tracks: AvatarTracks): void
  /** A user data packet from the client (legacy text transport and push-to-talk; LiveAvatar commands). */
  onClientData(payload: Uint8Array, topic: string | undefined): void
  /** The client published its microphone: the SDK's LiveKit voice chat is on. */
  onMicrophone(): void
  /** One RTP packet of the published microphone, by payload size. */
  onMicrophoneRtp?(payloadBytes: number): void
  onClosed(): void
}

const LEAVE_GRACE_MS = 1000
const MAX_QUEUED_EVENTS = 200
const WARMUP_TOPIC = 'sandbox-warmup'

/**
 * One client's LiveKit signal socket and the peer connections it negotiates, speaking just enough of the
 * protocol for livekit-client 2.11: join, subscriber offer, trickle, pings, track publication, leave.
 */
export class SignalConnection {
  private subscriber: Subscriber | undefined
  private readonly publisher: Publisher
  private readonly pendingEvents: Uint8Array[] = []
  private closed = false
  /** Requests are handled one at a time, in order: a trickle must not overtake the answer it belongs to. */
  private inbox: Promise<void> = Promise.resolve()

  constructor(
    private readonly ws: WebSocket,
    private readonly hooks: SignalConnectionHooks,
  ) {
    this.publisher = new Publisher({
      onCandidate: (candidate) => this.send(messages.trickle(candidate, SignalTarget.PUBLISHER)),
      onData: (data) => this.receiveClientData(data),
      onTrack: (kind) => {
        if (kind === 'audio') this.hooks.onMicrophone()
      },
      onAudioRtp: (payloadBytes) => this.hooks.onMicrophoneRtp?.(payloadBytes),
    })
    ws.on('message', (data, isBinary) => {
      this.inbox = this.inbox
        .then(() => this.receive(data as Buffer, isBinary))
        .catch((error: unknown) =>
          this.hooks.log('warn', 'livekit: request failed', { error: String(error) }),
        )
    })
    ws.on('close', () => void this.close())
    ws.on('error', () => void this.close())
  }

  async start(): Promise<void> {
    this.send(messages.joinResponse(this.hooks.room))
    const { room } = this.hooks
    const subscriber = await createSubscriber({
      codec: this.hooks.codec,
      avatarSid: room.avatarSid,
      videoTrackSid: room.videoTrackSid,
      audioTrackSid: room.audioTrackSid,
      onCandidate: (candidate) => this.send(messages.trickle(candidate, SignalTarget.SUBSCRIBER)),
    })
    if (this.closed) {
      await subscriber.pc.close()
      return
    }
    this.subscriber = subscriber
    subscriber.pc.connectionStateChange.subscribe((state) =>
      this.hooks.log('debug', 'livekit: subscriber', { state }),
    )
    subscriber.reliable.stateChanged.subscribe((state) => {
      if (state === 'open') this.flushEvents()
    })
    this.hooks.onTracks({ video: subscriber.video, audio: subscriber.audio })
    this.send(messages.offer(subscriber.offerSdp))
  }

  /** Sends one event to the SDK over the reliable data channel, holding it until the channel opens. */
  sendEvent(payload: Uint8Array): void {
    if (this.closed) return
    const { room } = this.hooks
    const packet = messages.userDataPacket(room.avatarIdentity, payload, room.eventTopic)
    if (this.subscriber?.reliable.readyState === 'open') {
      this.subscriber.reliable.send(Buffer.from(packet))
      return
    }
    this.pendingEvents.push(packet)
    if (this.pendingEvents.length > MAX_QUEUED_EVENTS) this.pendingEvents.shift()
  }

  /** The provider's way of ending a session: the client disconnects on its own and emits stream_disconnected. */
  leave(reason: DisconnectReason = DisconnectReason.ROOM_DELETED): void {
    if (this.closed) return
    this.send(messages.leave(reason))
    setTimeout(() => void this.close(), LEAVE_GRACE_MS).unref()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate()
    await Promise.allSettled([this.subscriber?.pc.close(), this.publisher.close()])
    this.hooks.onClosed()
  }

  private async receive(data: Buffer, isBinary: boolean): Promise<void> {
    const request = isBinary
      ? SignalRequest.fromBinary(data)
      : SignalRequest.fromJsonString(data.toString('utf8'))
    const message = request.message
    if (message.case !== 'ping' && message.case !== 'pingReq')
      this.hooks.log('debug', 'livekit: request', { case: message.case })
    switch (message.case) {
      case 'answer':
        await this.subscriber?.pc.setRemoteDescription({ type: 'answer', sdp: message.value.sdp })
        return
      case 'offer':
        this.send(messages.answer(await this.publisher.answer(message.value.sdp)))
        return
      case 'trickle': {
        const candidate = JSON.parse(message.value.candidateInit) as RTCIceCandidateInit
        // Not awaited: resolving a browser's mDNS name can take werift 10 s to give up on (an IPv6 address),
        // and nothing else may wait for that.
        const adding =
          message.value.target === SignalTarget.SUBSCRIBER
            ? this.subscriber?.pc.addIceCandidate(candidate)
            : this.publisher.addCandidate(candidate)
        adding?.catch((error: unknown) =>
          this.hooks.log('debug', 'livekit: candidate not usable', { error: String(error) }),
        )
        return
      }
      case 'pingReq':
        this.send(messages.pongResponse(message.value.timestamp))
        return
      case 'addTrack':
        this.send(
          messages.trackPublished(
            message.value.cid,
            new TrackInfo({
              sid: `TR_${randomBytes(6).toString('hex')}`,
              type: message.value.type,
              source: message.value.source,
              name: message.value.name,
              muted: message.value.muted,
            }),
          ),
        )
        if (
          message.value.type === TrackType.AUDIO &&
          message.value.source !== TrackSource.SCREEN_SHARE_AUDIO
        ) {
          this.hooks.onMicrophone()
        }
        return
      case 'leave':
        await this.close()
        return
      default:
        // ping (answered via pingReq), mute, subscription and layer updates change nothing here.
        return
    }
  }

  private receiveClientData(data: Buffer): void {
    try {
      const packet = messages.userPayloadOf(data)
      if (packet) this.hooks.onClientData(packet.payload, packet.topic)
    } catch (error) {
      this.hooks.log('warn', 'livekit: undecodable data packet', { error: String(error) })
    }
  }

  private flushEvents(): void {
    const channel = this.subscriber?.reliable
    if (!channel) return
    // Chromium loses one of the first few messages on a new SCTP association and werift takes about 1.2 s
    // to resend it; a few packets on a topic nobody listens to soak that up before the first real event.
    for (let i = 0; i < this.hooks.room.warmupPackets; i++) {
      const payload = new TextEncoder().encode(JSON.stringify({ warmup: i }))
      channel.send(
        Buffer.from(messages.userDataPacket(this.hooks.room.avatarIdentity, payload, WARMUP_TOPIC)),
      )
    }
    for (const packet of this.pendingEvents.splice(0)) channel.send(Buffer.from(packet))
  }

  private send(response: SignalResponse): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    this.ws.send(response.toBinary())
  }
}
