import { describe, expect, it } from 'vitest'
import { CHARACTER_LOOKS, KEY_GREEN, type MouthState } from '../../../src/sandbox/media/character'
import { audioEncoderArgs, videoEncoderArgs } from '../../../src/sandbox/media/ffmpeg-args'
import { renderFrameSet } from '../../../src/sandbox/media/frames'
import { MouthFollower, rmsOf } from '../../../src/sandbox/media/mouth'
import { VIDEO_GOP_FRAMES, VIDEO_PROFILES } from '../../../src/sandbox/media/quality'
import { RgbCanvas } from '../../../src/sandbox/media/canvas'
import { lumaOf, rgbToI420 } from '../../../src/sandbox/media/yuv'

describe('video profiles', () => {
  it('follow the provider ladder: low 360p, medium 480p, high 720p', () => {
    expect(VIDEO_PROFILES.low).toMatchObject({ width: 640, height: 360 })
    expect(VIDEO_PROFILES.medium).toMatchObject({ width: 854, height: 480 })
    expect(VIDEO_PROFILES.high).toMatchObject({ width: 1280, height: 720 })
  })
})

describe('I420 conversion', () => {
  it('turns key green into the BT.601 limited-range triple decoders map back to green', () => {
    const canvas = new RgbCanvas(2, 2)
    canvas.fill(KEY_GREEN)
    expect([...rgbToI420(canvas)]).toEqual([145, 145, 145, 145, 54, 34])
    expect(lumaOf(255, 255, 255)).toBe(235)
    expect(lumaOf(0, 0, 0)).toBe(16)
  })
})

describe('character frames', () => {
  const set = renderFrameSet(640, 360, CHARACTER_LOOKS.ada!)
  const lumaAt = (frame: Buffer, x: number, y: number): number => frame[y * 640 + x]!
  const chromaAt = (frame: Buffer, x: number, y: number): [number, number] => {
    const index = Math.floor(y / 2) * 320 + Math.floor(x / 2)
    return [frame[640 * 360 + index]!, frame[640 * 360 + 320 * 180 + index]!]
  }

  it('stands on key green: corners and margins are pure key colour', () => {
    const frame = set.frame(0, 'open')
    for (const [x, y] of [
      [0, 0],
      [639, 0],
      [20, 180],
      [620, 180],
      [10, 350],
    ] as const) {
      expect(lumaAt(frame, x, y)).toBe(145)
      expect(chromaAt(frame, x, y)).toEqual([54, 34])
    }
  })

  it('has a character in the middle', () => {
    const frame = set.frame(0, 'open')
    expect(chromaAt(frame, 320, 160)).not.toEqual([54, 34])
  })

  it('has four distinct mouth pictures, differing only around the face', () => {
    const frames = ([0, 1, 2, 3] as MouthState[]).map((mouth) => set.frame(mouth, 'open'))
    expect(new Set(frames.map((frame) => frame.toString('base64'))).size).toBe(4)
    const differingRows = new Set<number>()
    for (let i = 0; i < 640 * 360; i++)
      if (frames[0]![i] !== frames[3]![i]) differingRows.add(Math.floor(i / 640))
    expect(Math.min(...differingRows)).toBeGreaterThan(360 * 0.5)
    expect(Math.max(...differingRows)).toBeLessThan(360 * 0.7)
  })

  it('blinks', () => {
    expect(set.frame(0, 'closed').equals(set.frame(0, 'open'))).toBe(false)
  })
})

describe('MouthFollower', () => {
  it('opens with loudness at once and closes gradually', () => {
    const mouth = new MouthFollower()
    expect(mouth.state).toBe(0)
    mouth.update(0.2)
    expect(mouth.state).toBe(3)
    mouth.update(0)
    expect(mouth.state).toBe(3)
    for (let i = 0; i < 10; i++) mouth.update(0)
    expect(mouth.state).toBe(0)
  })

  it('measures RMS as a share of full scale', () => {
    expect(rmsOf(new Int16Array([16384, -16384]))).toBeCloseTo(0.5)
    expect(rmsOf(new Int16Array(0))).toBe(0)
  })
})

describe('ffmpeg arguments', () => {
  it('encodes raw I420 from stdin with a short GOP, to RTP on the relay port', () => {
    const args = videoEncoderArgs('vp8', VIDEO_PROFILES.high, 40000)
    expect(args).toEqual(expect.arrayContaining(['-f', 'rawvideo', 'pipe:0', 'libvpx', '1280x720']))
    expect(args[args.indexOf('-g') + 1]).toBe(String(VIDEO_GOP_FRAMES))
    expect(VIDEO_GOP_FRAMES).toBeLessThanOrEqual(25)
    expect(args.at(-1)).toBe('rtp://127.0.0.1:40000?rtcpport=40000&pkt_size=1200')
  })

  it('sends H.264 as constrained baseline with parameter sets before each keyframe', () => {
    const args = videoEncoderArgs('h264', VIDEO_PROFILES.low, 40000)
    expect(args).toEqual(
      expect.arrayContaining(['libx264', 'baseline', 'dump_extra=freq=keyframe', '640x360']),
    )
  })

  it('encodes mono 48 kHz PCM from stdin as 20 ms Opus frames', () => {
    const args = audioEncoderArgs(40002)
    expect(args).toEqual(
      expect.arrayContaining(['s16le', '48000', 'libopus', '-frame_duration', '20', 'pipe:0']),
    )
  })
})
