import type { FaultKind } from './plan'
import type { Sample, Verdict } from './verdict'

export interface SoakReport {
  startedAt: string
  args: { minutes: number; seed: number; kind: string; sampleSeconds: number }
  durationMs: number
  episodes: number
  questions: { asked: number; answered: number; bargeIns: number }
  llmServed: { transcriptions: number; chatCompletions: number; speech: number }
  faults: Record<FaultKind, number>
  sessions: {
    opened: number
    stopped: number
    leakedDuringRun: number
    leakedAtEnd: number
    lostToRestart: number
  }
  errors: Record<string, { count: number; examples: string[] }>
  samples: Sample[]
  verdict: Verdict
}

const COLUMNS: [keyof Sample, string][] = [
  ['sessionsOpened', 'opened'],
  ['sessionsStopped', 'stopped'],
  ['leakedNow', 'leaked'],
  ['hostRssMb', 'hostRssMB'],
  ['sandboxRssMb', 'sbxRssMB'],
  ['sandboxNodeRssMb', 'sbxNodeMB'],
  ['sandboxChildren', 'sbxKids'],
  ['rendererHeapMb', 'heapMB'],
  ['hostFds', 'hostFd'],
  ['sandboxFds', 'sbxFd'],
  ['peerConnections', 'pc'],
  ['audioContexts', 'actx'],
  ['mediaStreamTracks', 'tracks'],
]

/** '-' where nothing was measured: the page was closed, or the sandbox was restarting. */
const cell = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '-' : String(value)
const figure = (value: number | undefined): string =>
  value === undefined ? '-' : String(Math.round(value * 10) / 10)

export function sampleHeader(): string {
  return ['t', ...COLUMNS.map(([, label]) => label)].join('\t')
}

export function sampleLine(sample: Sample): string {
  const minutes = `${(sample.atMs / 60_000).toFixed(1)}m`
  return [minutes, ...COLUMNS.map(([key]) => cell(sample[key] as number | undefined))].join('\t')
}

export function summaryLines(report: SoakReport): string[] {
  const { verdict } = report
  const lines = [
    `Soak ${report.args.kind}, seed ${report.args.seed}, ${(report.durationMs / 60_000).toFixed(1)} min, ${report.episodes} episodes`,
    `questions asked ${report.questions.asked}, answered ${report.questions.answered}, barge-ins ${report.questions.bargeIns}; fake LLM served ${report.llmServed.transcriptions} transcriptions, ${report.llmServed.chatCompletions} chat completions, ${report.llmServed.speech} speech`,
    `faults: ${Object.entries(report.faults)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}`,
    `sessions: opened ${report.sessions.opened}, stopped ${report.sessions.stopped}, lost to sandbox restarts ${report.sessions.lostToRestart}, leaked during run ${report.sessions.leakedDuringRun}, still open at the end ${report.sessions.leakedAtEnd}`,
    `errors: ${
      Object.entries(report.errors)
        .map(([source, entry]) => `${source} ${entry.count}`)
        .join(', ') || 'none'
    }`,
    `growth measured ${verdict.baselineRule}: from ${(verdict.baselineAtMs / 60_000).toFixed(1)} min to the end`,
    '',
    ['metric', 'base', 'end', 'growth %', 'goal', 'ok'].join('\t'),
  ]
  for (const metric of verdict.metrics) {
    lines.push(
      [
        metric.metric,
        figure(metric.base),
        figure(metric.end),
        figure(metric.growthPercent),
        metric.limit,
        metric.kind === 'reported' ? '-' : metric.pass ? 'yes' : 'NO',
      ].join('\t'),
    )
  }
  lines.push('', `VERDICT: ${verdict.pass ? 'PASS' : 'FAIL'}`)
  return lines
}

export function markdown(report: SoakReport): string {
  const table = (rows: string[][]): string[] => [
    `| ${rows[0]!.join(' | ')} |`,
    `|${rows[0]!.map(() => ' --- ').join('|')}|`,
    ...rows.slice(1).map((row) => `| ${row.join(' | ')} |`),
  ]
  const [header, ...rest] = summaryLines(report).filter((line) => line !== '')
  const metricStart = rest.findIndex((line) => line.startsWith('metric\t'))
  const facts = rest.slice(0, metricStart)
  const metricRows = rest.slice(metricStart, -1).map((line) => line.split('\t'))
  const verdictLine = rest.at(-1)!
  return [
    `# ${header}`,
    '',
    ...facts.map((line) => `- ${line}`),
    '',
    ...table(metricRows),
    '',
    `**${verdictLine}**`,
    '',
    '## Samples',
    '',
    ...table([sampleHeader().split('\t'), ...report.samples.map((sample) => sampleLine(sample).split('\t'))]),
    '',
  ].join('\n')
}
