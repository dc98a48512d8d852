import type { BudgetStatus, DayUsage, UsageReport, UsageTotals } from '../../../shared/usage'
import { h } from './dom'

export interface UsageViewOptions {
  /** `getUsage`: the last `days` days, newest last, and today's budget. */
  loadUsage: (days: number) => Promise<{ report: UsageReport; budget: BudgetStatus }>
  messageOf: (error: unknown) => string
}

const CHART_DAYS = 30
const SVG_NS = 'http://www.w3.org/2000/svg'
const CHART_WIDTH = 300
const CHART_HEIGHT = 80

type Figure = 'sessions' | 'sessionMinutes' | 'visitors' | 'conversations' | 'estimatedCredits'
const FIGURES: [Figure, string][] = [
  ['sessions', 'Sessions'],
  ['sessionMinutes', 'Minutes'],
  ['visitors', 'Visitors'],
  ['conversations', 'Conversations'],
  ['estimatedCredits', 'Est. credits'],
]

const round2 = (value: number) => Math.round(value * 100) / 100

/** Up to two decimals, without trailing zeros: 12, 12.5, 0.33. */
function formatNumber(value: number): string {
  return String(round2(value))
}

function sumOf(days: readonly DayUsage[]): Pick<UsageTotals, Figure> {
  const sum = { sessions: 0, sessionMinutes: 0, visitors: 0, conversations: 0, estimatedCredits: 0 }
  for (const day of days) for (const [figure] of FIGURES) sum[figure] += day[figure]
  return sum
}

/**
 * The speculative answers in a sentence: how many answers were started during the visitor's pauses (quick turn
 * taking) and how many of them the visitor talked over, the LLM cost that bought nothing.
 */
export function speculativeLine(
  days: readonly Pick<DayUsage, 'speculativeAnswers' | 'speculativeDiscarded'>[],
  span: string,
): string {
  let prepared = 0
  let discarded = 0
  for (const day of days) {
    prepared += day.speculativeAnswers
    discarded += day.speculativeDiscarded
  }
  return `Answers prepared during pauses, ${span}: ${prepared}, of which discarded: ${discarded}`
}

/** The budget in a sentence: what the operator needs to know about today's minutes. */
export function budgetLine(budget: BudgetStatus): string {
  if (budget.dailyMinutes === 0)
    return `No daily budget: sessions are not capped (${formatNumber(budget.usedMinutesToday)} minutes today).`
  if (budget.reached) return 'Today’s budget is used up: the kiosk sleeps until tomorrow.'
  return `Daily budget: ${formatNumber(budget.usedMinutesToday)} of ${budget.dailyMinutes} minutes used`
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  return element
}

/** Session minutes per day as bars (attributes only: the page's CSP allows no inline styles). */
function minutesChart(days: readonly DayUsage[]): SVGSVGElement {
  const most = Math.max(1, ...days.map((day) => day.sessionMinutes))
  const slot = CHART_WIDTH / Math.max(1, days.length)
  const chart = svg('svg', {
    class: 'usage__chart',
    viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
    role: 'img',
    'aria-label': `Session minutes per day, the last ${days.length} days`,
  })
  days.forEach((day, index) => {
    const height = (day.sessionMinutes / most) * (CHART_HEIGHT - 2)
    const bar = svg('rect', {
      class: 'usage__bar',
      x: round2(index * slot + slot * 0.15),
      y: round2(CHART_HEIGHT - height),
      width: round2(slot * 0.7),
      height: round2(height),
      'data-date': day.date,
      'data-minutes': day.sessionMinutes,
    })
    const title = svg('title', {})
    title.textContent = `${day.date}: ${formatNumber(day.sessionMinutes)} minutes`
    bar.append(title)
    chart.append(bar)
  })
  chart.append(
    svg('line', { class: 'usage__axis', x1: 0, y1: CHART_HEIGHT, x2: CHART_WIDTH, y2: CHART_HEIGHT }),
  )
  return chart
}

/**
 * The admin panel's usage and cost: today, the last 7 and the last 30 days, minutes per day as a chart, errors by
 * kind and the daily budget. Figures only; main never keeps what visitors said.
 */
export class UsageView {
  readonly element: HTMLElement
  private readonly budget: HTMLElement
  private readonly table: HTMLTableSectionElement
  private readonly chart: HTMLElement
  private readonly errors: HTMLElement
  private readonly speculative: HTMLElement
  private readonly status: HTMLElement
  /** Bumped per refresh, so a slow answer never overwrites a newer one. */
  private generation = 0

  constructor(private readonly options: UsageViewOptions) {
    this.budget = h('p', { class: 'usage__budget', role: 'status' })
    this.table = h('tbody')
    this.chart = h('div', { class: 'usage__chart-box' })
    this.errors = h('ul', { class: 'usage__errors' })
    this.speculative = h('p', { class: 'usage__caption usage__speculative' })
    this.status = h('p', { class: 'admin__result', role: 'status' })
    const refresh = h('button', { type: 'button' }, 'Refresh')
    refresh.addEventListener('click', () => void this.refresh())
    this.element = h(
      'section',
      { class: 'admin-form__section usage', 'aria-label': 'Usage and cost' },
      h('h3', {}, 'Usage and cost'),
      this.budget,
      h(
        'table',
        { class: 'usage__table' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, ''), ...FIGURES.map(([, label]) => h('th', { scope: 'col' }, label))),
        ),
        this.table,
      ),
      this.speculative,
      h('p', { class: 'usage__caption' }, `Session minutes per day, last ${CHART_DAYS} days`),
      this.chart,
      h('p', { class: 'usage__caption' }, `Errors by kind, last ${CHART_DAYS} days`),
      this.errors,
      h('div', { class: 'admin__actions' }, refresh, this.status),
    )
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation
    this.status.textContent = 'Loading…'
    try {
      const { report, budget } = await this.options.loadUsage(CHART_DAYS)
      if (generation !== this.generation) return
      this.render(report, budget)
      this.status.textContent = ''
    } catch (error) {
      if (generation !== this.generation) return
      this.status.textContent = this.options.messageOf(error)
    }
  }

  private render(report: UsageReport, budget: BudgetStatus): void {
    this.budget.textContent = budgetLine(budget)
    this.budget.dataset.reached = String(budget.reached)
    const spans: [key: string, label: string, days: DayUsage[]][] = [
      ['today', 'Today', report.days.slice(-1)],
      ['7', 'Last 7 days', report.days.slice(-7)],
      ['30', `Last ${CHART_DAYS} days`, report.days.slice(-CHART_DAYS)],
    ]
    this.table.replaceChildren(
      ...spans.map(([key, label, days]) => {
        const sum = sumOf(days)
        return h(
          'tr',
          { 'data-span': key },
          h('th', { scope: 'row' }, label),
          ...FIGURES.map(([figure]) => h('td', { 'data-figure': figure }, formatNumber(sum[figure]))),
        )
      }),
    )
    this.speculative.textContent = speculativeLine(report.days.slice(-CHART_DAYS), `last ${CHART_DAYS} days`)
    this.chart.replaceChildren(minutesChart(report.days))
    const kinds = Object.entries(report.errorsByKind).sort(([, a], [, b]) => b - a)
    this.errors.replaceChildren(
      ...(kinds.length === 0
        ? [h('li', { class: 'usage__none' }, 'No errors.')]
        : kinds.map(([kind, count]) => h('li', { 'data-kind': kind }, `${kind}: ${count}`))),
    )
  }
}
