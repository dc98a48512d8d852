import type { ProcessRegistry } from '../processes'
import { AUDIO_SAMPLE_RATE } from '../media/ffmpeg-args'
import { resample } from './resample'
import { parseWav } from './wav'

export interface Voice {
  /** An espeak-ng language, e.g. "en-us" or "de". */
  language: string
  /** espeak-ng voice variant: the sandbox's women use f3, its men m3. */
  variant: 'f3' | 'm3'
  /** The SDK's voice.rate, 0.5..1.5 around 1. */
  rate: number
}

const BASE_WORDS_PER_MINUTE = 165
const FALLBACK_LANGUAGE = 'en-us'
/** Long enough for any sentence an avatar should say in one go; bounds synthesis time and memory. */
export const MAX_SPEECH_CHARS = 5000

export function espeakArgs(voice: Voice): string[] {
  const rate = Math.min(2, Math.max(0.5, Number.isFinite(voice.rate) ? voice.rate : 1))
  return [
    '--stdin',
    '--stdout',
    '-v',
    `${voice.language}+${voice.variant}`,
    '-s',
    String(Math.round(BASE_WORDS_PER_MINUTE * rate)),
  ]
}

/** The provider's language codes ("en", "de", "pt-BR") as espeak-ng voice names. */
export function espeakLanguage(language: string | undefined): string {
  if (!language) return FALLBACK_LANGUAGE
  const normalized = language.trim().toLowerCase().replace('_', '-')
  if (normalized === 'en') return FALLBACK_LANGUAGE
  return /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(normalized) ? normalized : FALLBACK_LANGUAGE
}

/** Speech as mono 48 kHz PCM. Text goes in on stdin, so nothing in it can be read as an option. */
export async function synthesize(registry: ProcessRegistry, text: string, voice: Voice): Promise<Int16Array> {
  const input = text.slice(0, MAX_SPEECH_CHARS)
  try {
    return await runEspeak(registry, input, voice)
  } catch (error) {
    if (voice.language === FALLBACK_LANGUAGE) throw error
    // espeak-ng has no voice for this language: speak it with the default rather than stay silent.
    return runEspeak(registry, input, { ...voice, language: FALLBACK_LANGUAGE })
  }
}

function runEspeak(registry: ProcessRegistry, text: string, voice: Voice): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const child = registry.spawn('espeak-ng', espeakArgs(voice), { stdio: ['pipe', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let errorText = ''
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => (errorText += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new Error(`espeak-ng exited with ${code}: ${errorText.trim()}`))
        return
      }
      try {
        const wav = parseWav(Buffer.concat(chunks))
        resolve(resample(wav.samples, wav.sampleRate, AUDIO_SAMPLE_RATE))
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
    child.stdin?.end(text.endsWith('\n') ? text : `${text}\n`)
  })
}
