import { stopProcess, type ProcessRegistry } from '../processes'
import { AUDIO_SAMPLE_RATE } from '../media/ffmpeg-args'
import { sharedEspeakWasm, type EspeakFiles } from '../tools/espeak-wasm'
import { selectedEspeak, type EspeakTool } from '../tools/selection'
import { resample } from './resample'
import { Slots } from './slots'
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

export const SYNTHESIS_LIMITS = {
  /** An espeak-ng binary that has not answered by then is killed (the wasm worker has its own deadline). */
  timeoutMs: 15_000,
  /** Syntheses at once, across every session of every sandbox in this process. */
  maxConcurrent: 4,
} as const

/** Shared like the wasm engine: the machine's cores are what this protects. */
const synthesisSlots = new Slots(SYNTHESIS_LIMITS.maxConcurrent)

/** espeak-ng hung: no point trying again with the fallback voice. */
export class SynthesisTimeoutError extends Error {
  constructor(ms: number) {
    super(`espeak-ng gave no speech within ${ms} ms`)
    this.name = 'SynthesisTimeoutError'
  }
}

/** Voice and speed: the same for the binary and the WebAssembly build. */
export function espeakVoiceArgs(voice: Voice): string[] {
  const rate = Math.min(2, Math.max(0.5, Number.isFinite(voice.rate) ? voice.rate : 1))
  return ['-v', `${voice.language}+${voice.variant}`, '-s', String(Math.round(BASE_WORDS_PER_MINUTE * rate))]
}

/** The espeak-ng binary's arguments: text on stdin, WAV on stdout. */
export function espeakArgs(voice: Voice): string[] {
  return ['--stdin', '--stdout', ...espeakVoiceArgs(voice)]
}

/** The provider's language codes ("en", "de", "pt-BR") as espeak-ng voice names. */
export function espeakLanguage(language: string | undefined): string {
  if (!language) return FALLBACK_LANGUAGE
  const normalized = language.trim().toLowerCase().replace('_', '-')
  if (normalized === 'en') return FALLBACK_LANGUAGE
  return /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(normalized) ? normalized : FALLBACK_LANGUAGE
}

/**
 * Speech as mono 48 kHz PCM, from the espeak-ng that checkPrerequisites chose (or `tool`): a binary, fed the
 * text on stdin, or the npm WebAssembly build, fed it through a file. Either way nothing in the text can be
 * read as an option.
 */
export async function synthesize(
  registry: ProcessRegistry,
  text: string,
  voice: Voice,
  tool: EspeakTool = selectedEspeak(),
  timeoutMs: number = SYNTHESIS_LIMITS.timeoutMs,
): Promise<Int16Array> {
  const input = text.slice(0, MAX_SPEECH_CHARS)
  const speak = async (spoken: Voice): Promise<Int16Array> => {
    const wav = await synthesisSlots.run(() =>
      tool.kind === 'wasm'
        ? runWasm(registry, tool.files, input, spoken)
        : runEspeak(registry, tool.path, input, spoken, timeoutMs),
    )
    const audio = parseWav(wav)
    return resample(audio.samples, audio.sampleRate, AUDIO_SAMPLE_RATE)
  }
  try {
    return await speak(voice)
  } catch (error) {
    if (voice.language === FALLBACK_LANGUAGE || error instanceof SynthesisTimeoutError) throw error
    // espeak-ng has no voice for this language: speak it with the default rather than stay silent.
    return speak({ ...voice, language: FALLBACK_LANGUAGE })
  }
}

/** The shared in-process synthesizer; like spawn, it refuses once the sandbox is closing. */
function runWasm(registry: ProcessRegistry, files: EspeakFiles, text: string, voice: Voice): Promise<Buffer> {
  if (registry.closing) return Promise.reject(new Error('sandbox is closing: refusing to synthesize'))
  return sharedEspeakWasm(files).synthesize(espeakVoiceArgs(voice), text)
}

function runEspeak(
  registry: ProcessRegistry,
  command: string,
  text: string,
  voice: Voice,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = registry.spawn(command, espeakArgs(voice), { stdio: ['pipe', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let errorText = ''
    const timer = setTimeout(() => {
      reject(new SynthesisTimeoutError(timeoutMs))
      void stopProcess(child)
    }, timeoutMs)
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk))
    // stderr is only for the error message: keep its start, not whatever a broken binary floods it with.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (errorText.length < 4096) errorText += chunk.toString('utf8')
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      if (code !== 0) {
        reject(new Error(`espeak-ng exited with ${code}: ${errorText.trim()}`))
        return
      }
      resolve(Buffer.concat(chunks))
    })
    child.stdin?.end(text.endsWith('\n') ? text : `${text}\n`)
  })
}
