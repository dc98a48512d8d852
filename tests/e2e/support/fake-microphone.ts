import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * A spoken question for Chromium's fake microphone (`--use-file-for-fake-audio-capture`), made with espeak-ng
 * and padded with silence so a voice-activity detector sees a start and an end. Chromium loops the file.
 */
export function makeQuestionWav(name: string, text: string, silenceBefore = 1.5, silenceAfter = 3): string {
  const dir = resolve('.tmp/audio')
  mkdirSync(dir, { recursive: true })
  const speech = join(dir, `${name}-speech.wav`)
  const padded = join(dir, `${name}.wav`)
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
    ...['-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', padded],
  ])
  return padded
}

export function fakeMicrophoneArgs(wav: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ]
}
