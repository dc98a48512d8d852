import { execFile } from 'node:child_process'
import type { VideoCodec } from './options'

export class SandboxPrerequisiteError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SandboxPrerequisiteError'
  }
}

const DEBIAN_PACKAGES = { ffmpeg: 'ffmpeg', 'espeak-ng': 'espeak-ng' } as const
const ENCODER_FOR: Readonly<Record<VideoCodec, string>> = { vp8: 'libvpx', h264: 'libx264' }

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    )
  })
}

/** Refuses to start without the media tools, naming the Debian packages that provide them. */
export async function checkPrerequisites(codec: VideoCodec): Promise<void> {
  const [encoders, espeak] = await Promise.all([
    run('ffmpeg', ['-hide_banner', '-encoders']),
    run('espeak-ng', ['--version']),
  ])
  const missing = [
    ...(encoders === undefined ? [DEBIAN_PACKAGES.ffmpeg] : []),
    ...(espeak === undefined ? [DEBIAN_PACKAGES['espeak-ng']] : []),
  ]
  if (missing.length > 0) {
    throw new SandboxPrerequisiteError(
      `The avatar sandbox needs ffmpeg and espeak-ng. Missing: ${missing.join(', ')}. ` +
        `On Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}`,
    )
  }
  const needed = [ENCODER_FOR[codec], 'libopus'].filter((encoder) => !encoders!.includes(` ${encoder} `))
  if (needed.length > 0) {
    throw new SandboxPrerequisiteError(
      `This ffmpeg lacks the ${needed.join(' and ')} encoder(s); Debian's ffmpeg package has them (apt-get install ffmpeg).`,
    )
  }
}
