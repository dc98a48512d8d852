import { execFile } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../../../..')

/**
 * A real photograph that ships in the @vladmandic/face-api npm tarball (its demo's sample1.jpg, 1920x1280,
 * three people facing the camera): a face a neural detector must find, not one drawn by ffmpeg.
 */
export const SAMPLE_PHOTO = resolve(ROOT, 'node_modules/@vladmandic/face-api/demo/sample1.jpg')

/** Crops of the photo, as 320x240 camera scenes: the middle person's face, and the dark wall above them all. */
const SCENES = {
  face: 'crop=960:720:480:100,scale=320:240',
  empty: 'crop=560:250:850:0,scale=320:240',
} as const

export type SceneName = keyof typeof SCENES

/**
 * Writes a 2 s, 10 fps Y4M clip of one scene for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`), which loops it.
 */
export async function writeScene(name: SceneName, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = join(dir, `${name}.y4m`)
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    SAMPLE_PHOTO,
    '-vf',
    SCENES[name],
    '-t',
    '2',
    '-r',
    '10',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'yuv4mpegpipe',
    file,
  ])
  return file
}

/** Chromium flags for a fake camera showing `y4m`, with the permission prompt answered yes. */
export function fakeCameraArgs(y4m: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
  ]
}
