import type { DisconnectReason, SignalTarget } from '@livekit/protocol'
import {
  DataPacket,
  DataPacket_Kind,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  Pong,
  Room,
  ServerInfo,
  ServerInfo_Edition,
  SessionDescription,
  SignalResponse,
  TrackInfo,
  TrackPublishedResponse,
  TrackSource,
  TrackType,
  TrickleRequest,
  UserPacket,
  protoInt64,
} from '@livekit/protocol'

/** Names the client sees for one session's room; the client only trusts what the join response says. */
export interface RoomIdentity {
  roomName: string
  roomSid: string
  clientSid: string
  clientIdentity: string
  avatarSid: string
  avatarIdentity: string
  videoTrackSid: string
  audioTrackSid: string
  videoWidth: number
  videoHeight: number
  videoMimeType: string
  /** Other participants that are only present (LiveAvatar's agent): no tracks, just an identity. */
  extraParticipants: readonly { sid: string; identity: string }[]
  /** The UserPacket topic events carry (LiveAvatar reads only 'agent-response'); undefined sends none. */
  eventTopic: string | undefined
  /** Throwaway packets sent as the data channel opens, before real events (see SignalConnection). */
  warmupPackets: number
}

/** livekit-client treats protocol > 13 as "data channels are optional at join" and needs a version. */
export const SERVER_PROTOCOL = 15
export const SERVER_VERSION = '1.8.4'
export const PING_INTERVAL_SECONDS = 10
/** Generous: a loaded 2-core CI box can stall the event loop for a while without dropping anyone. */
export const PING_TIMEOUT_SECONDS = 30

export function joinResponse(room: RoomIdentity): SignalResponse {
  const now = protoInt64.parse(Math.floor(Date.now() / 1000))
  return new SignalResponse({
    message: {
      case: 'join',
      value: new JoinResponse({
        room: new Room({
          sid: room.roomSid,
          name: room.roomName,
          creationTime: now,
          numParticipants: 2 + room.extraParticipants.length,
        }),
        participant: new ParticipantInfo({
          sid: room.clientSid,
          identity: room.clientIdentity,
          state: ParticipantInfo_State.ACTIVE,
          joinedAt: now,
          permission: new ParticipantPermission({
            canPublish: true,
            canSubscribe: true,
            canPublishData: true,
          }),
        }),
        otherParticipants: [
          new ParticipantInfo({
            sid: room.avatarSid,
            identity: room.avatarIdentity,
            name: room.avatarIdentity,
            state: ParticipantInfo_State.ACTIVE,
            joinedAt: now,
            isPublisher: true,
            permission: new ParticipantPermission({
              canPublish: true,
              canSubscribe: true,
              canPublishData: true,
            }),
            tracks: [
              new TrackInfo({
                sid: room.videoTrackSid,
                type: TrackType.VIDEO,
                source: TrackSource.CAMERA,
                name: 'avatar-video',
                width: room.videoWidth,
                height: room.videoHeight,
                mimeType: room.videoMimeType,
              }),
              new TrackInfo({
                sid: room.audioTrackSid,
                type: TrackType.AUDIO,
                source: TrackSource.MICROPHONE,
                name: 'avatar-audio',
                mimeType: 'audio/opus',
              }),
            ],
          }),
          ...room.extraParticipants.map(
            (extra) =>
              new ParticipantInfo({
                sid: extra.sid,
                identity: extra.identity,
                name: extra.identity,
                state: ParticipantInfo_State.ACTIVE,
                joinedAt: now,
                permission: new ParticipantPermission({ canSubscribe: true, canPublishData: true }),
              }),
          ),
        ],
        serverVersion: SERVER_VERSION,
        serverInfo: new ServerInfo({
          edition: ServerInfo_Edition.Standard,
          version: SERVER_VERSION,
          protocol: SERVER_PROTOCOL,
          nodeId: 'sandbox',
        }),
        // The server offers the subscriber connection; the client publishes nothing unless it asks to.
        subscriberPrimary: true,
        pingInterval: PING_INTERVAL_SECONDS,
        pingTimeout: PING_TIMEOUT_SECONDS,
      }),
    },
  })
}

export function offer(sdp: string): SignalResponse {
  return new SignalResponse({
    message: { case: 'offer', value: new SessionDescription({ type: 'offer', sdp }) },
  })
}

export function answer(sdp: string): SignalResponse {
  return new SignalResponse({
    message: { case: 'answer', value: new SessionDescription({ type: 'answer', sdp }) },
  })
}

export function trickle(candidate: object, target: SignalTarget): SignalResponse {
  return new SignalResponse({
    message: {
      case: 'trickle',
      value: new TrickleRequest({ candidateInit: JSON.stringify(candidate), target }),
    },
  })
}

export function pongResponse(lastPingTimestamp: bigint): SignalResponse {
  return new SignalResponse({
    message: {
      case: 'pongResp',
      value: new Pong({ lastPingTimestamp, timestamp: protoInt64.parse(Date.now()) }),
    },
  })
}

export function leave(reason: DisconnectReason): SignalResponse {
  return new SignalResponse({
    message: {
      case: 'leave',
      value: new LeaveRequest({ canReconnect: false, reason, action: LeaveRequest_Action.DISCONNECT }),
    },
  })
}

export function trackPublished(cid: string, track: TrackInfo): SignalResponse {
  return new SignalResponse({
    message: { case: 'trackPublished', value: new TrackPublishedResponse({ cid, track }) },
  })
}

/**
 * An event for the SDK: it reads `user.payload` as UTF-8 JSON from whichever data channel it arrives on;
 * livekit-client hands `topic` to its DataReceived listeners (the LiveAvatar SDK drops other topics).
 */
export function userDataPacket(senderIdentity: string, payload: Uint8Array, topic?: string): Uint8Array {
  return new DataPacket({
    kind: DataPacket_Kind.RELIABLE,
    participantIdentity: senderIdentity,
    value: {
      case: 'user',
      value: new UserPacket({ participantIdentity: senderIdentity, payload, ...(topic ? { topic } : {}) }),
    },
  }).toBinary()
}

export interface ClientData {
  payload: Uint8Array
  topic: string | undefined
}

/** The payload and topic of a user data packet from the client, or undefined for any other packet kind. */
export function userPayloadOf(bytes: Uint8Array): ClientData | undefined {
  const packet = DataPacket.fromBinary(bytes)
  if (packet.value.case !== 'user') return undefined
  return { payload: packet.value.value.payload, topic: packet.value.value.topic }
}
