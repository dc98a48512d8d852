import type { FieldError } from '../../../shared/result'
import { ADMIN_SECTIONS, readPath, writePath, type AdminField } from './admin-fields'
import { h } from './dom'

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

/** The settings form: built once from the field table, so edits survive a failed save or a re-lock. */
export class AdminSettingsForm {
  readonly element: HTMLFormElement
  private readonly inputs = new Map<string, Input>()
  private readonly errors = new Map<string, HTMLElement>()
  readonly secretSlots = new Map<string, HTMLElement>()

  constructor() {
    this.element = h('form', { class: 'admin-form', novalidate: true })
    for (const section of ADMIN_SECTIONS) {
      const fieldset = h(
        'fieldset',
        { class: 'admin-form__section', 'data-section': section.id },
        h('legend', {}, section.title),
      )
      for (const field of section.fields) fieldset.append(this.buildField(field))
      for (const secret of section.secrets ?? []) {
        const slot = h('div', { class: 'admin-secret', 'data-secret': secret.name })
        this.secretSlots.set(secret.name, slot)
        fieldset.append(slot)
      }
      this.element.append(fieldset)
    }
    this.element.addEventListener('input', (event) => {
      const target = event.target as HTMLElement
      if (target.dataset.path) target.dataset.dirty = 'true'
    })
  }

  private buildField(field: AdminField): HTMLElement {
    const id = `admin-field-${field.path.replaceAll('.', '-')}`
    let input: Input
    if (field.kind === 'select') {
      input = h('select', { id })
      for (const option of field.options ?? [])
        input.append(h('option', { value: option.value }, option.label))
    } else if (field.kind === 'textarea') {
      input = h('textarea', { id, rows: '4' })
    } else {
      const type =
        field.kind === 'checkbox'
          ? 'checkbox'
          : field.kind === 'number'
            ? 'number'
            : field.kind === 'url'
              ? 'url'
              : 'text'
      input = h('input', {
        id,
        type,
        spellcheck: 'false',
        autocomplete: 'off',
        ...(type === 'number' ? { step: 'any' } : {}),
      })
    }
    input.dataset.path = field.path
    this.inputs.set(field.path, input)
    const error = h('p', { class: 'admin-field__error', 'data-error-for': field.path, role: 'alert' })
    this.errors.set(field.path, error)
    return h(
      'div',
      { class: `admin-field admin-field--${field.kind}`, 'data-field': field.path },
      h('label', { for: id }, field.label),
      input,
      field.hint ? h('p', { class: 'admin-field__hint' }, field.hint) : undefined,
      error,
    )
  }

  /** Shows stored values. Skipped for fields the operator is editing after a failed save. */
  fill(settings: unknown, { keepEdits = false } = {}): void {
    for (const [path, input] of this.inputs) {
      if (keepEdits && input.dataset.dirty === 'true') continue
      const value = readPath(settings, path)
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = value === true
      else input.value = value === undefined || value === null ? '' : String(value)
      delete input.dataset.dirty
    }
  }

  /** The whole form as a settings patch; the main process validates it and answers with field errors. */
  patch(): Record<string, unknown> {
    const patch: Record<string, unknown> = {}
    for (const [path, input] of this.inputs) {
      let value: unknown = input.value
      if (input instanceof HTMLInputElement && input.type === 'checkbox') value = input.checked
      else if (input instanceof HTMLInputElement && input.type === 'number')
        value = input.value === '' ? undefined : Number(input.value)
      writePath(patch, path, value)
    }
    return patch
  }

  showErrors(fields: readonly FieldError[]): void {
    this.clearErrors()
    for (const field of fields) {
      const slot = this.errors.get(field.path)
      if (!slot) continue
      slot.textContent = field.message
      this.inputs.get(field.path)?.setAttribute('aria-invalid', 'true')
    }
    const first = fields.map((field) => this.inputs.get(field.path)).find((input) => input !== undefined)
    first?.focus()
  }

  clearErrors(): void {
    for (const [path, slot] of this.errors) {
      slot.textContent = ''
      this.inputs.get(path)?.removeAttribute('aria-invalid')
    }
  }
}
