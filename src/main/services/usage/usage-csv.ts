import type { DayUsage, UsageReport, UsageTotals } from '../../../shared/usage'

const COLUMNS = [
  'sessions',
  'sessionMinutes',
  'visitors',
  'conversations',
  'reconnects',
  'errors',
  'estimatedCredits',
  // Added later: at the end, so the columns of a spreadsheet built on the older CSV keep their places.
  'speculativeAnswers',
  'speculativeDiscarded',
] as const satisfies readonly (keyof UsageTotals)[]

/** The report's day rows for a spreadsheet: a header, one row per day, then a `total` row. */
export function usageCsv(report: Pick<UsageReport, 'days' | 'totals'>): string {
  const row = (label: string, figures: UsageTotals) =>
    [label, ...COLUMNS.map((column) => String(figures[column]))].join(',')
  return [
    ['date', ...COLUMNS].join(','),
    ...report.days.map((day: DayUsage) => row(day.date, day)),
    row('total', report.totals),
  ]
    .map((line) => `${line}\r\n`)
    .join('')
}
