import { parseArgs } from 'node:util'

export interface SoakArgs {
  minutes: number
  seed: number
  kind: 'liveavatar' | 'heygen'
  /** Seconds between samples; 30 by default, shorter only to try the script out. */
  sampleSeconds: number
}

export const SOAK_USAGE = `Usage: npm run soak -- [--minutes N] [--seed N] [--kind liveavatar|heygen] [--sample-seconds N]`

export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      minutes: { type: 'string', default: '10' },
      seed: { type: 'string' },
      kind: { type: 'string', default: 'liveavatar' },
      'sample-seconds': { type: 'string', default: '30' },
    },
  })
  const minutes = Number(values.minutes)
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--minutes must be a positive number`)
  const kind = values.kind
  if (kind !== 'liveavatar' && kind !== 'heygen') throw new Error(`--kind must be liveavatar or heygen`)
  // Without --seed each run differs, but the seed used is printed so any run can be repeated.
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer`)
  const sampleSeconds = Number(values['sample-seconds'])
  if (!Number.isFinite(sampleSeconds) || sampleSeconds < 1) throw new Error(`--sample-seconds must be ≥ 1`)
  return { minutes, seed, kind, sampleSeconds }
}
