import type { VideoCodec } from '../options'
import { VIDEO_FPS, VIDEO_GOP_FRAMES, type VideoProfile } from './quality'

export const AUDIO_SAMPLE_RATE = 48_000
/** 20 ms at 48 kHz: the pace at which PCM is written, and Opus's frame size. */
export const AUDIO_FRAME_SAMPLES = 960
/** Keeps RTP plus SRTP and header extensions under a typical path MTU. */
const RTP_PACKET_SIZE = 1200

/**
 * Input options for a live pipe: without them ffmpeg first buffers about a second to probe the stream, then
 * sends it in one burst, and the browser's jitter buffer keeps that second as permanent delay.
 */
const LIVE_INPUT = ['-probesize', '32', '-analyzeduration', '0', '-fflags', 'nobuffer'] as const

/** RTCP goes to the same port as RTP, where the relay drops it: nothing else listens on loopback. */
function rtpOutput(port: number): string {
  return `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=${RTP_PACKET_SIZE}`
}

/**
 * Raw I420 frames on stdin, paced by the sandbox, out as RTP. Encoder settings favour low CPU and a short
 * GOP: ffmpeg cannot honour a PLI, so a new viewer waits for the next keyframe instead.
 */
export function videoEncoderArgs(codec: VideoCodec, profile: VideoProfile, rtpPort: number): string[] {
  const rate = `${profile.bitrateKbps}k`
  const codecArgs =
    codec === 'h264'
      ? [
          ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency'],
          ...[
            '-profile:v',
            'baseline',
            '-level:v',
            '3.1',
            '-x264-params',
            'keyint=20:min-keyint=20:scenecut=0',
          ],
          // The RTP muxer asks for global headers; browsers need SPS/PPS in-band before each keyframe.
          ...['-bsf:v', 'dump_extra=freq=keyframe'],
        ]
      : [
          ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1'],
          ...['-lag-in-frames', '0', '-auto-alt-ref', '0', '-error-resilient', '1', '-static-thresh', '100'],
        ]
  return [
    ...['-hide_banner', '-loglevel', 'error', ...LIVE_INPUT],
    ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${profile.width}x${profile.height}`],
    ...['-framerate', String(VIDEO_FPS), '-i', 'pipe:0'],
    ...codecArgs,
    ...[
      '-b:v',
      rate,
      '-maxrate',
      rate,
      '-bufsize',
      `${profile.bitrateKbps}k`,
      '-g',
      String(VIDEO_GOP_FRAMES),
    ],
    ...['-an', '-f', 'rtp', '-payload_type', '96', rtpOutput(rtpPort)],
  ]
}

/** Mono s16le PCM on stdin at real-time pace, out as 20 ms Opus frames over RTP. */
export function audioEncoderArgs(rtpPort: number): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'error', ...LIVE_INPUT],
    ...['-f', 's16le', '-ar', String(AUDIO_SAMPLE_RATE), '-ac', '1', '-i', 'pipe:0'],
    ...['-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20'],
    ...['-vn', '-f', 'rtp', '-payload_type', '111', rtpOutput(rtpPort)],
  ]
}
