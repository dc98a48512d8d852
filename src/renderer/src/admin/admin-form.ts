import type { FieldError } from '../../../shared/result'
import type { ProviderKind } from '../../../shared/settings/schema'
import { ADMIN_SECTIONS, readPath, writePath, type AdminField } from './admin-fields'
import { CatalogPicker, type LoadCatalog } from './catalog-picker'
import { h } from './dom'
import { OPENING_HOURS_PATH, OpeningHoursEditor } from './opening-hours-editor'
import { applyPreset, PRESET_OPTIONS, presetOf, type PresetId } from './provider-preset'

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

/** The settings form: built once from the field table, so edits survive a failed save or a re-lock. */
export class AdminSettingsForm {
  readonly element: HTMLFormElement
  private readonly inputs = new Map<string, Input>()
  private readonly errors = new Map<string, HTMLElement>()
  readonly secretSlots = new Map<string, HTMLElement>()
  /** Fields shown for one provider kind only. */
  private readonly kindOnly: { element: HTMLElement; kind: ProviderKind }[] = []
  private readonly preset: HTMLSelectElement
  private readonly openingHours = new OpeningHoursEditor()

  constructor(
    private readonly loadCatalog: LoadCatalog,
    private readonly messageOf: (error: unknown) => string,
  ) {
    this.element = h('form', { class: 'admin-form', novalidate: true })
    this.preset = h('select', { id: 'admin-provider-preset' })
    for (const option of PRESET_OPTIONS)
      this.preset.append(h('option', { value: option.value }, option.label))
    this.preset.addEventListener('change', () => this.choosePreset(this.preset.value as PresetId))
    for (const section of ADMIN_SECTIONS) {
      const fieldset = h(
        'fieldset',
        { class: 'admin-form__section', 'data-section': section.id },
        h('legend', {}, section.title),
      )
      if (section.providerPreset) fieldset.append(this.buildPresetField())
      for (const field of section.fields) fieldset.append(this.buildField(field))
      if (section.id === 'schedule') fieldset.append(this.openingHours.element)
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
    // A select fires `change` (and `input`); the kind and URL decide the preset and which fields apply.
    this.element.addEventListener('change', (event) => {
      const path = (event.target as HTMLElement).dataset.path
      if (path === 'provider.kind' || path === 'provider.baseUrl') this.syncProvider()
    })
    this.element.addEventListener('input', (event) => {
      if ((event.target as HTMLElement).dataset.path === 'provider.baseUrl') this.syncProvider()
    })
  }

  private buildPresetField(): HTMLElement {
    return h(
      'div',
      { class: 'admin-field admin-field--select', 'data-field': 'provider.preset' },
      h('label', { for: this.preset.id }, 'Avatar service'),
      this.preset,
      h(
        'p',
        { class: 'admin-field__hint' },
        'Sets the protocol and URL below. Each service needs its own API key.',
      ),
    )
  }

  private providerValue(): { kind: ProviderKind; baseUrl: string } {
    return {
      kind: (this.inputs.get('provider.kind')?.value ?? 'liveavatar') as ProviderKind,
      baseUrl: this.inputs.get('provider.baseUrl')?.value.trim() ?? '',
    }
  }

  private choosePreset(preset: PresetId): void {
    const next = applyPreset(preset, this.providerValue())
    for (const [path, value] of [
      ['provider.kind', next.kind],
      ['provider.baseUrl', next.baseUrl],
    ] as const) {
      const input = this.inputs.get(path)
      if (!input || input.value === value) continue
      input.value = value
      input.dataset.dirty = 'true'
    }
    this.syncProvider(preset)
  }

  /** The preset select and the kind-specific fields follow the protocol and URL fields. */
  private syncProvider(preset?: PresetId): void {
    const provider = this.providerValue()
    this.preset.value = preset ?? presetOf(provider)
    for (const { element, kind } of this.kindOnly) element.hidden = kind !== provider.kind
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
    const picker = field.catalog
      ? new CatalogPicker(field.catalog, input, this.loadCatalog, this.messageOf)
      : undefined
    const element = h(
      'div',
      { class: `admin-field admin-field--${field.kind}`, 'data-field': field.path },
      h('label', { for: id }, field.label),
      input,
      field.hint ? h('p', { class: 'admin-field__hint' }, field.hint) : undefined,
      error,
      picker?.element,
    )
    if (field.onlyFor) {
      element.dataset.onlyFor = field.onlyFor
      this.kindOnly.push({ element, kind: field.onlyFor })
    }
    return element
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
    this.openingHours.fill(readPath(settings, OPENING_HOURS_PATH), { keepEdits })
    this.syncProvider()
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
    writePath(patch, OPENING_HOURS_PATH, this.openingHours.value())
    return patch
  }

  showErrors(fields: readonly FieldError[]): void {
    this.clearErrors()
    this.openingHours.showErrors(fields)
    for (const field of fields) {
      const slot = this.errors.get(field.path)
      if (!slot) continue
      slot.textContent = field.message
      const input = this.inputs.get(field.path)
      input?.setAttribute('aria-invalid', 'true')
      // An error must be seen, even on a field the current protocol hides.
      const container = input?.closest<HTMLElement>('.admin-field')
      if (container) container.hidden = false
    }
    const first = fields.map((field) => this.inputs.get(field.path)).find((input) => input !== undefined)
    first?.focus()
  }

  clearErrors(): void {
    this.openingHours.clearErrors()
    for (const [path, slot] of this.errors) {
      slot.textContent = ''
      this.inputs.get(path)?.removeAttribute('aria-invalid')
    }
  }
}
