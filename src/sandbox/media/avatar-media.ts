import type { MediaStreamTrack } from 'werift'
import type { SandboxLogger, VideoCodec } from '../options'
import type { ProcessRegistry } from '../processes'
import type { EyeState } from './character'
import { Encoder } from './encoder'
import { audioEncoderArgs, videoEncoderArgs } from './ffmpeg-args'
import type { FrameSet } from './frames'
import { MouthFollower } from './mouth'
import { VIDEO_FPS, type VideoProfile } from './quality'
import { RtpRelay } from './rtp-relay'

export interface AvatarMediaOptions {
  registry: ProcessRegistry
  codec: VideoCodec
  profile: VideoProfile
  frames: FrameSet
  log: SandboxLogger
}

const PUMP_TICK_MS = 10
/** More than this many frames queued for ffmpeg means it is behind: skip rather than build latency. */
const MAX_QUEUED_FRAMES = 2
const BLINK_FRAMES = 4

/**
 * The avatar's picture and voice for one LiveKit connection: two ffmpeg encoders whose RTP is relayed into
 * the connection's tracks, a frame pump choosing the mouth picture from the current speech level, and blinks.
 */
export class AvatarMedia {
  private readonly mouth = new MouthFollower()
  private readonly startedAt = performance.now()
  private framesWritten = 0
  private nextBlinkFrame = randomBlinkGap()
  private readonly pump: NodeJS.Timeout

  private constructor(
    private readonly options: AvatarMediaOptions,
    private readonly video: { relay: RtpRelay; encoder: Encoder },
    private readonly audio: { relay: RtpRelay; encoder: Encoder },
  ) {
    this.pump = setInterval(() => this.pumpFrames(), PUMP_TICK_MS)
  }

  static async start(options: AvatarMediaOptions): Promise<AvatarMedia> {
    const [videoRelay, audioRelay] = await Promise.all([RtpRelay.open(), RtpRelay.open()])
    const videoEncoder = new Encoder(
      options.registry,
      videoEncoderArgs(options.codec, options.profile, videoRelay.port),
      'video encoder',
      options.log,
    )
    const audioEncoder = new Encoder(
      options.registry,
      audioEncoderArgs(audioRelay.port),
      'audio encoder',
      options.log,
    )
    return new AvatarMedia(
      options,
      { relay: videoRelay, encoder: videoEncoder },
      { relay: audioRelay, encoder: audioEncoder },
    )
  }

  attach(tracks: { video: MediaStreamTrack; audio: MediaStreamTrack }): void {
    this.video.relay.target = tracks.video
    this.audio.relay.target = tracks.audio
  }

  /** 20 ms of mono 48 kHz PCM, written at real-time pace by the session's audio clock. */
  writeAudio(frame: Int16Array, rms: number): void {
    this.mouth.update(rms)
    this.audio.encoder.write(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength))
  }

  async stop(): Promise<void> {
    clearInterval(this.pump)
    this.video.relay.close()
    this.audio.relay.close()
    await Promise.all([this.video.encoder.stop(), this.audio.encoder.stop()])
  }

  private pumpFrames(): void {
    const due = Math.floor(((performance.now() - this.startedAt) * VIDEO_FPS) / 1000) + 1
    const frameBytes = (this.options.profile.width * this.options.profile.height * 3) / 2
    while (this.framesWritten < due) {
      // Under overload a frame is dropped: the picture then runs a little behind, which beats growing latency.
      this.framesWritten++
      if (this.video.encoder.backlog > MAX_QUEUED_FRAMES * frameBytes) continue
      this.video.encoder.write(this.options.frames.frame(this.mouth.state, this.eyes()))
    }
  }

  private eyes(): EyeState {
    if (this.framesWritten >= this.nextBlinkFrame + BLINK_FRAMES) this.nextBlinkFrame += randomBlinkGap()
    return this.framesWritten >= this.nextBlinkFrame ? 'closed' : 'open'
  }
}

/** People blink every few seconds, irregularly. */
function randomBlinkGap(): number {
  return Math.round(VIDEO_FPS * (2.5 + Math.random() * 3))
}
