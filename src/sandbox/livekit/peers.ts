import {
  MediaStream,
  MediaStreamTrack,
  RTCPeerConnection,
  useH264,
  useOPUS,
  useVP8,
  type RTCDataChannel,
  type RTCIceCandidateInit,
  type RTCRtpCodecParameters,
} from 'werift'
import type { VideoCodec } from '../options'

/** What the subscriber connection needs to carry the avatar: one video and one audio track, as msid `PA|TR`. */
export interface SubscriberSpec {
  codec: VideoCodec
  avatarSid: string
  videoTrackSid: string
  audioTrackSid: string
  onCandidate: (candidate: object) => void
}

export interface Subscriber {
  pc: RTCPeerConnection
  video: MediaStreamTrack
  audio: MediaStreamTrack
  reliable: RTCDataChannel
  offerSdp: string
}

// Fixed payload types matching what ffmpeg is told to send, so nothing has to be rewritten in between.
export const VIDEO_PAYLOAD_TYPE = 96
export const AUDIO_PAYLOAD_TYPE = 111

export function videoCodecParameters(codec: VideoCodec): RTCRtpCodecParameters {
  return codec === 'h264'
    ? useH264({
        payloadType: VIDEO_PAYLOAD_TYPE,
        parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
      })
    : useVP8({ payloadType: VIDEO_PAYLOAD_TYPE })
}

function opus(): RTCRtpCodecParameters {
  return useOPUS({ payloadType: AUDIO_PAYLOAD_TYPE, parameters: 'minptime=10;useinbandfec=1' })
}

export async function createSubscriber(spec: SubscriberSpec): Promise<Subscriber> {
  const pc = new RTCPeerConnection({
    codecs: { video: [videoCodecParameters(spec.codec)], audio: [opus()] },
    // One transport for all m-lines, as livekit-client bundles: otherwise only the first would ever connect.
    bundlePolicy: 'max-bundle',
    // Host candidates only: the sandbox is local, and a STUN lookup would only stall without a network.
    iceServers: [],
    iceUseIpv6: false,
  })
  pc.onIceCandidate.subscribe((candidate) => {
    if (candidate) spec.onCandidate(candidate.toJSON())
  })
  const video = new MediaStreamTrack({ kind: 'video' })
  const audio = new MediaStreamTrack({ kind: 'audio' })
  // livekit-client splits the stream id on '|' to find the participant and the track a media track belongs to.
  pc.addTransceiver(video, {
    direction: 'sendonly',
    streams: [new MediaStream({ id: `${spec.avatarSid}|${spec.videoTrackSid}` })],
  })
  pc.addTransceiver(audio, {
    direction: 'sendonly',
    streams: [new MediaStream({ id: `${spec.avatarSid}|${spec.audioTrackSid}` })],
  })
  // The SDK listens on whichever of these the server opens; events go on _reliable.
  const reliable = pc.createDataChannel('_reliable', { ordered: true })
  pc.createDataChannel('_lossy', { ordered: true, maxRetransmits: 0 })
  const description = await pc.setLocalDescription(await pc.createOffer())
  return { pc, video, audio, reliable, offerSdp: description.toSdp().sdp }
}

export interface PublisherHandlers {
  onCandidate: (candidate: object) => void
  onData: (data: Buffer) => void
  onTrack: (kind: string) => void
  /** Each RTP packet of the client's microphone: only its payload size, enough to tell speech from DTX. */
  onAudioRtp: (payloadBytes: number) => void
}

/**
 * The client's own connection, opened lazily when it publishes data (push-to-talk, text) or its microphone,
 * and renegotiated by further offers. Candidates that race ahead of the first offer are held back.
 */
export class Publisher {
  private pc: RTCPeerConnection | undefined
  private readonly earlyCandidates: RTCIceCandidateInit[] = []

  constructor(private readonly handlers: PublisherHandlers) {}

  async answer(offerSdp: string): Promise<string> {
    const pc = this.pc ?? this.open()
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp })
    const description = await pc.setLocalDescription(await pc.createAnswer())
    for (const candidate of this.earlyCandidates.splice(0)) await pc.addIceCandidate(candidate)
    return description.toSdp().sdp
  }

  async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (this.pc?.remoteDescription) await this.pc.addIceCandidate(candidate)
    else this.earlyCandidates.push(candidate)
  }

  async close(): Promise<void> {
    await this.pc?.close()
  }

  private open(): RTCPeerConnection {
    const pc = new RTCPeerConnection({
      codecs: { audio: [opus()], video: [useVP8()] },
      bundlePolicy: 'max-bundle',
      iceServers: [],
      iceUseIpv6: false,
    })
    pc.onIceCandidate.subscribe((candidate) => {
      if (candidate) this.handlers.onCandidate(candidate.toJSON())
    })
    pc.onDataChannel.subscribe((channel) => {
      channel.onMessage.subscribe((message) => {
        if (Buffer.isBuffer(message)) this.handlers.onData(message)
      })
    })
    pc.onTrack.subscribe((track) => {
      this.handlers.onTrack(track.kind)
      if (track.kind === 'audio') {
        track.onReceiveRtp.subscribe((rtp) => this.handlers.onAudioRtp(rtp.payload.length))
      }
    })
    this.pc = pc
    return pc
  }
}
