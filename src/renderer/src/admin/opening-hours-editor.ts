import type { FieldError } from '../../../shared/result'
import { WEEKDAYS, type Weekday } from '../../../shared/settings/operations'
import { h } from './dom'

/** The settings path the editor reads and writes; field errors under it are shown on its rows. */
export const OPENING_HOURS_PATH = 'schedule.openingHours'

const DAY_LABELS: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
}

/** A row as typed: times stay text, so a half-typed "8:3" reaches main and comes back as a field error. */
export interface OpeningHoursRowValue {
  days: Weekday[]
  open: string
  close: string
}

interface Row {
  element: HTMLElement
  days: Map<Weekday, HTMLInputElement>
  open: HTMLInputElement
  close: HTMLInputElement
  /** Error slots by the row's own field ('days', 'open', 'close', or '' for the row as a whole). */
  errors: Map<string, HTMLElement>
}

/**
 * The opening hours as rows of days, an opening and a closing time, saved with the rest of the form as
 * `schedule.openingHours`. Text inputs, not `type=time`: a span may close at 24:00, which a time input refuses.
 */
export class OpeningHoursEditor {
  readonly element: HTMLElement
  private readonly list: HTMLElement
  private readonly empty: HTMLElement
  private readonly listError: HTMLElement
  private rows: Row[] = []
  /** Edited since the last fill: a re-render after a failed save keeps the operator's rows. */
  private dirty = false
  private nextId = 0

  constructor() {
    this.list = h('div', { class: 'opening-hours__rows' })
    this.empty = h(
      'p',
      { class: 'admin-field__hint opening-hours__empty' },
      'No opening hours: the kiosk is always open.',
    )
    this.listError = h('p', {
      class: 'admin-field__error',
      'data-error-for': OPENING_HOURS_PATH,
      role: 'alert',
    })
    const add = h('button', { type: 'button', class: 'opening-hours__add' }, 'Add opening hours')
    add.addEventListener('click', () => {
      this.addRow({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '17:00' }).open.focus()
      this.dirty = true
    })
    this.element = h(
      'div',
      { class: 'admin-field opening-hours', 'data-field': OPENING_HOURS_PATH },
      h('span', { class: 'opening-hours__label' }, 'Opening hours'),
      this.empty,
      this.list,
      add,
      h(
        'p',
        { class: 'admin-field__hint' },
        'Times are in the time zone above; 24:00 is the end of the day. Past midnight, add a second row for the next day.',
      ),
      this.listError,
    )
    this.element.addEventListener('input', () => {
      this.dirty = true
    })
  }

  /** Shows the stored rows, unless the operator has edits that a failed save must not lose. */
  fill(value: unknown, { keepEdits = false } = {}): void {
    if (keepEdits && this.dirty) return
    for (const row of this.rows) row.element.remove()
    this.rows = []
    for (const stored of Array.isArray(value) ? value : []) this.addRow(toRowValue(stored))
    this.dirty = false
    this.syncEmpty()
  }

  value(): OpeningHoursRowValue[] {
    return this.rows.map((row) => ({
      days: WEEKDAYS.filter((day) => row.days.get(day)?.checked === true),
      open: row.open.value.trim(),
      close: row.close.value.trim(),
    }))
  }

  /** Shows the errors under `schedule.openingHours`; answers whether any was one of ours. */
  showErrors(fields: readonly FieldError[]): boolean {
    this.clearErrors()
    let shown = false
    for (const field of fields) {
      if (field.path !== OPENING_HOURS_PATH && !field.path.startsWith(`${OPENING_HOURS_PATH}.`)) continue
      shown = true
      const [index, key = ''] = field.path.slice(OPENING_HOURS_PATH.length + 1).split('.')
      const row = index === undefined || index === '' ? undefined : this.rows[Number(index)]
      const slot = row?.errors.get(key) ?? row?.errors.get('') ?? this.listError
      slot.textContent = slot.textContent ? `${slot.textContent} ${field.message}` : field.message
      const input = key === 'open' ? row?.open : key === 'close' ? row?.close : undefined
      input?.setAttribute('aria-invalid', 'true')
    }
    return shown
  }

  clearErrors(): void {
    this.listError.textContent = ''
    for (const row of this.rows) {
      for (const slot of row.errors.values()) slot.textContent = ''
      row.open.removeAttribute('aria-invalid')
      row.close.removeAttribute('aria-invalid')
    }
  }

  private addRow(value: OpeningHoursRowValue): Row {
    const id = `opening-hours-${this.nextId++}`
    const days = new Map<Weekday, HTMLInputElement>()
    const dayBoxes = WEEKDAYS.map((day) => {
      const box = h('input', { type: 'checkbox', id: `${id}-${day}`, 'data-day': day })
      box.checked = value.days.includes(day)
      days.set(day, box)
      return h('label', { class: 'opening-hours__day', for: box.id }, box, DAY_LABELS[day])
    })
    const timeInput = (which: 'open' | 'close', label: string): HTMLInputElement => {
      const input = h('input', {
        type: 'text',
        id: `${id}-${which}`,
        class: `opening-hours__${which}`,
        inputmode: 'numeric',
        placeholder: which === 'open' ? '08:00' : '18:00',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-label': label,
      })
      input.value = value[which]
      return input
    }
    const open = timeInput('open', 'Opens at')
    const close = timeInput('close', 'Closes at')
    const errorSlot = (key: string): HTMLElement =>
      h('p', { class: 'admin-field__error', role: 'alert', 'data-row-error': key || 'row' })
    const errors = new Map<string, HTMLElement>([
      ['days', errorSlot('days')],
      ['open', errorSlot('open')],
      ['close', errorSlot('close')],
      ['', errorSlot('')],
    ])
    const remove = h('button', { type: 'button', class: 'opening-hours__remove' }, 'Remove')
    const element = h(
      'fieldset',
      { class: 'opening-hours__row' },
      h('legend', {}, 'Open on'),
      h('div', { class: 'opening-hours__days' }, ...dayBoxes),
      errors.get('days'),
      h(
        'div',
        { class: 'opening-hours__times' },
        h('label', { for: open.id }, 'from'),
        open,
        h('label', { for: close.id }, 'until'),
        close,
        remove,
      ),
      errors.get('open'),
      errors.get('close'),
      errors.get(''),
    )
    const row: Row = { element, days, open, close, errors }
    remove.addEventListener('click', () => {
      this.rows = this.rows.filter((candidate) => candidate !== row)
      element.remove()
      this.dirty = true
      // Row indices shift: errors shown for the old rows no longer point at the right ones.
      this.clearErrors()
      this.syncEmpty()
    })
    this.rows.push(row)
    this.list.append(element)
    this.syncEmpty()
    return row
  }

  private syncEmpty(): void {
    this.empty.hidden = this.rows.length > 0
  }
}

/** A stored row (already validated by main), read defensively: the panel never throws over a settings shape. */
function toRowValue(stored: unknown): OpeningHoursRowValue {
  const record = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>
  const days = Array.isArray(record.days)
    ? WEEKDAYS.filter((day) => (record.days as unknown[]).includes(day))
    : []
  return {
    days,
    open: typeof record.open === 'string' ? record.open : '',
    close: typeof record.close === 'string' ? record.close : '',
  }
}
