import { execFile } from 'node:child_process'
import { silentSandboxLogger, type SandboxLogger, type VideoCodec } from './options'
import { sharedEspeakWasm } from './tools/espeak-wasm'
import { FFMPEG_OVERRIDE_ENV, ffmpegCandidates } from './tools/ffmpeg-path'
import {
  describeTool,
  ESPEAK_OVERRIDE_ENV,
  espeakCandidates,
  useTools,
  type EspeakTool,
  type FfmpegTool,
  type SelectedTools,
} from './tools/selection'

export class SandboxPrerequisiteError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SandboxPrerequisiteError'
  }
}

const ENCODER_FOR: Readonly<Record<VideoCodec, string>> = { vp8: 'libvpx', h264: 'libx264' }

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    )
  })
}

/** Answers per binary and codec: every sandbox a process starts (tests start dozens) asks the same question. */
const ffmpegAnswers = new Map<string, Promise<string | undefined>>()

function ffmpegProblem(path: string, codec: VideoCodec): Promise<string | undefined> {
  const key = `${codec} ${path}`
  let answer = ffmpegAnswers.get(key)
  if (answer === undefined) {
    answer = probeFfmpeg(path, codec)
    ffmpegAnswers.set(key, answer)
    // A failure may be passing (a busy machine timing out): ask again next time.
    void answer.then((problem) => problem !== undefined && ffmpegAnswers.delete(key))
  }
  return answer
}

/** Why this ffmpeg cannot serve the sandbox, or undefined when it can (runs, has the encoders and RTP). */
async function probeFfmpeg(path: string, codec: VideoCodec): Promise<string | undefined> {
  const [encoders, muxers] = await Promise.all([
    run(path, ['-hide_banner', '-encoders']),
    run(path, ['-hide_banner', '-muxers']),
  ])
  if (encoders === undefined || muxers === undefined) return 'does not run'
  const missing = [ENCODER_FOR[codec], 'libopus'].filter((encoder) => !encoders.includes(` ${encoder} `))
  if (!/^\s*E\s+rtp\s/m.test(muxers)) missing.push('rtp muxer')
  return missing.length > 0 ? `lacks ${missing.join(', ')}` : undefined
}

/** A short real synthesis: proves the binary runs, or loads the wasm module so the first sentence is quick. */
async function espeakProblem(tool: EspeakTool): Promise<string | undefined> {
  if (tool.kind === 'binary')
    return (await run(tool.path, ['--version'])) === undefined ? 'does not run' : undefined
  try {
    const wav = await sharedEspeakWasm(tool.files).synthesize(['-v', 'en-us'], 'ok')
    return wav.length > 44 ? undefined : 'produced no audio'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

async function firstWorking<T extends FfmpegTool | EspeakTool>(
  name: string,
  candidates: readonly T[],
  problemOf: (candidate: T) => Promise<string | undefined>,
  log: SandboxLogger,
): Promise<{ tool: T } | { problems: string[] }> {
  const problems: string[] = []
  for (const candidate of candidates) {
    const problem = await problemOf(candidate)
    if (problem === undefined) return { tool: candidate }
    problems.push(`${describeTool(candidate)} ${problem}`)
    log('warn', `${name}: ${describeTool(candidate)} ${problem}; trying the next source`)
  }
  return { problems }
}

/**
 * Picks the media tools the sandbox will use and refuses to start without them. Each comes from an override
 * (AVATAR_KIOSK_FFMPEG / AVATAR_KIOSK_ESPEAK: a path, or `npm`), else the system binary, else the npm package
 * (@ffmpeg-installer's static ffmpeg, espeak-ng's WebAssembly build), so a machine without apt packages works.
 */
export async function checkPrerequisites(
  codec: VideoCodec,
  log: SandboxLogger = silentSandboxLogger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SelectedTools> {
  const [ffmpeg, espeak] = await Promise.all([
    firstWorking('ffmpeg', ffmpegCandidates(env), (tool) => ffmpegProblem(tool.path, codec), log),
    firstWorking('espeak-ng', espeakCandidates(env), espeakProblem, log),
  ])
  const failures = [
    ...('problems' in ffmpeg
      ? [toolFailure('ffmpeg', FFMPEG_OVERRIDE_ENV, '@ffmpeg-installer/ffmpeg', ffmpeg.problems)]
      : []),
    ...('problems' in espeak
      ? [toolFailure('espeak-ng', ESPEAK_OVERRIDE_ENV, 'espeak-ng', espeak.problems)]
      : []),
  ]
  if (!('tool' in ffmpeg) || !('tool' in espeak)) {
    throw new SandboxPrerequisiteError(`The avatar sandbox cannot start. ${failures.join(' ')}`)
  }
  const tools = { ffmpeg: ffmpeg.tool, espeak: espeak.tool }
  useTools(tools)
  log('info', 'sandbox media tools', {
    ffmpeg: describeTool(tools.ffmpeg),
    espeak: describeTool(tools.espeak),
  })
  return tools
}

function toolFailure(name: string, envName: string, npmPackage: string, problems: string[]): string {
  const tried = problems.length > 0 ? `tried: ${problems.join('; ')}` : 'none found'
  return (
    `No usable ${name} (${tried}). Run \`npm install\` (it provides ${name} through the ${npmPackage} package), ` +
    `install it from your system's packages (Debian/Ubuntu: apt-get install ${name}), or set ${envName} to its path.`
  )
}
