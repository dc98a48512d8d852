import type { DiagnosticCheck } from '../../../shared/diagnostics'
import { h } from './dom'

export type LineStatus = DiagnosticCheck['status'] | 'pending'

const STATUS_TEXT: Record<LineStatus, string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  pending: 'Checking…',
}

/** One line of "Check this kiosk": label, status badge, what was found, and the fix for a warn or fail. */
export class DiagnosticLine {
  readonly element: HTMLLIElement
  /** Controls of the line (a level bar, a button, a preview), placed under its text. */
  readonly extra: HTMLElement
  private readonly badge: HTMLElement
  private readonly detail: HTMLElement
  private readonly fix: HTMLElement
  private current: LineStatus = 'pending'

  constructor(id: string, label: string) {
    this.badge = h('span', { class: 'diag-line__status' })
    this.detail = h('span', { class: 'diag-line__detail' })
    this.fix = h('span', { class: 'diag-line__fix' })
    this.extra = h('div', { class: 'diag-line__extra' })
    this.element = h(
      'li',
      { class: 'diag-line', 'data-check': id },
      h('span', { class: 'diag-line__label' }, label),
      this.badge,
      this.detail,
      this.fix,
      this.extra,
    )
    this.set('pending', '')
  }

  get status(): LineStatus {
    return this.current
  }

  set(status: LineStatus, detail: string, fix = ''): void {
    this.current = status
    this.element.dataset.status = status
    this.badge.textContent = STATUS_TEXT[status]
    this.detail.textContent = detail
    this.fix.textContent = fix
    this.fix.hidden = fix === ''
  }

  show(check: Pick<DiagnosticCheck, 'status' | 'detail' | 'fix'>): void {
    this.set(check.status, check.detail, check.fix)
  }
}
