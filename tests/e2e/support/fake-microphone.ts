import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * A spoken question for Chromium's fake microphone (`--use-file-for-fake-audio-capture`), made with espeak-ng
 * and padded with silence so a voice-activity detector sees a start and an end. Chromium loops the file.
 *
 * The file is named by its inputs and made once: Playwright loads every spec in the runner and again in each
 * worker, and the same inputs always give the same file.
 */
export function makeQuestionWav(name: string, text: string, silenceBefore = 1.5, silenceAfter = 3): string {
  const dir = resolve('.tmp/audio')
  mkdirSync(dir, { recursive: true })
  const inputs = createHash('sha256')
    .update(JSON.stringify([text, silenceBefore, silenceAfter]))
    .digest('hex')
    .slice(0, 12)
  const padded = join(dir, `${name}-${inputs}.wav`)
  if (existsSync(padded)) return padded
  // Made under names of this process's own and renamed into place, so a concurrent run never reads half a file.
  const speech = join(dir, `${name}-${inputs}-${process.pid}-speech.wav`)
  const partial = join(dir, `${name}-${inputs}-${process.pid}.partial.wav`)
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', speech, text])
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-t', String(silenceBefore), '-i', 'anullsrc=r=16000:cl=mono'],
    ...['-i', speech],
    ...['-f', 'lavfi', '-t', String(silenceAfter), '-i', 'anullsrc=r=16000:cl=mono'],
    ...[
      '-filter_complex',
      '[1:a]aresample=16000,aformat=channel_layouts=mono[q];[0:a][q][2:a]concat=n=3:v=0:a=1',
    ],
    ...['-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', partial],
  ])
  rmSync(speech, { force: true })
  renameSync(partial, padded)
  return padded
}

export function fakeMicrophoneArgs(wav: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ]
}
