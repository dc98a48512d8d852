import { npmEspeakFiles, type EspeakFiles } from './espeak-wasm'
import { ffmpegCandidates } from './ffmpeg-path'
import { findOnPath, parseToolOverride, toolCandidates, type ToolCandidate } from './locate'

export const ESPEAK_OVERRIDE_ENV = 'AVATAR_KIOSK_ESPEAK'

/** espeak-ng either as a program to spawn or as the npm package's WebAssembly build run in a worker. */
export type EspeakTool =
  | { kind: 'binary'; source: 'override' | 'system'; path: string }
  | { kind: 'wasm'; source: 'npm'; files: EspeakFiles }

export type FfmpegTool = ToolCandidate

/** Override, else espeak-ng on PATH, else the npm package's wasm; see toolCandidates for the rules. */
export function espeakCandidates(
  env: NodeJS.ProcessEnv = process.env,
  npm: () => EspeakFiles | undefined = npmEspeakFiles,
): EspeakTool[] {
  const override = parseToolOverride(env[ESPEAK_OVERRIDE_ENV])
  const files = override?.kind === 'path' ? undefined : npm()
  return toolCandidates({
    override,
    system: override ? undefined : findOnPath('espeak-ng', env),
    npm: files?.script,
  }).map((candidate): EspeakTool =>
    candidate.source === 'npm' && files
      ? { kind: 'wasm', source: 'npm', files }
      : {
          kind: 'binary',
          source: candidate.source === 'npm' ? 'system' : candidate.source,
          path: candidate.path,
        },
  )
}

export interface SelectedTools {
  ffmpeg: FfmpegTool
  espeak: EspeakTool
}

let selected: Partial<SelectedTools> = {}

/** Called by checkPrerequisites once it has verified the tools; later sessions use exactly these. */
export function useTools(tools: SelectedTools): void {
  selected = { ...tools }
}

/**
 * The ffmpeg encoders spawn. Before (or without) checkPrerequisites it is the first candidate, and a bare
 * `ffmpeg` when there is none, so a missing tool shows up as the encoder's spawn error, not a crash here.
 */
export function selectedFfmpeg(): FfmpegTool {
  return selected.ffmpeg ?? ffmpegCandidates()[0] ?? { source: 'system', path: 'ffmpeg' }
}

export function selectedEspeak(): EspeakTool {
  return selected.espeak ?? espeakCandidates()[0] ?? { kind: 'binary', source: 'system', path: 'espeak-ng' }
}

/** One line for logs and error messages: where a tool comes from. */
export function describeTool(tool: FfmpegTool | EspeakTool): string {
  if ('kind' in tool && tool.kind === 'wasm') return `npm espeak-ng (WebAssembly, ${tool.files.wasm})`
  return `${tool.source} ${tool.path}`
}
