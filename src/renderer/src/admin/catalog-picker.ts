import type { CatalogItem, CatalogKind } from '../../../shared/contract'
import { catalogEntries, catalogSummary, type CatalogEntry } from './catalog-view'
import { h } from './dom'

export type LoadCatalog = (kind: CatalogKind) => Promise<readonly CatalogItem[]>

/** A list this long gets a filter box. */
const FILTER_FROM = 8

/**
 * "Load from provider" under an id field: lists what the configured provider offers (fetched by main with the
 * key) and fills the field with the chosen id. The field stays a plain text box, so typing an id still works.
 */
export class CatalogPicker {
  readonly element: HTMLElement
  private readonly button: HTMLButtonElement
  private readonly status: HTMLElement
  private readonly error: HTMLElement
  private readonly filter: HTMLInputElement
  private readonly list: HTMLUListElement
  private items: readonly CatalogItem[] = []
  private loaded = false
  private loading = false

  constructor(
    private readonly kind: CatalogKind,
    private readonly input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
    private readonly load: LoadCatalog,
    private readonly messageOf: (error: unknown) => string,
  ) {
    this.button = h('button', { type: 'button', class: 'admin-catalog__load' }, 'Load from provider')
    this.button.addEventListener('click', () => void this.refresh())
    this.status = h('p', { class: 'admin-field__hint', role: 'status' })
    this.error = h('p', { class: 'admin-field__error admin-catalog__error', role: 'alert' })
    this.filter = h('input', {
      type: 'search',
      class: 'admin-catalog__filter',
      'aria-label': `Filter ${kind}`,
      placeholder: 'Filter by name or id',
      hidden: true,
    })
    this.filter.addEventListener('input', () => this.render())
    this.list = h('ul', { class: 'admin-catalog__list', 'aria-label': `Provider ${kind}`, hidden: true })
    this.element = h(
      'div',
      { class: 'admin-catalog', 'data-catalog': kind },
      this.button,
      this.error,
      this.status,
      this.filter,
      this.list,
    )
    input.addEventListener('input', () => this.render())
  }

  private async refresh(): Promise<void> {
    if (this.loading) return
    this.loading = true
    this.button.disabled = true
    this.error.textContent = ''
    this.status.textContent = 'Loading…'
    try {
      this.items = await this.load(this.kind)
      this.loaded = true
      this.render()
    } catch (error) {
      this.items = []
      this.loaded = false
      this.status.textContent = ''
      this.list.hidden = this.filter.hidden = true
      this.error.textContent = this.messageOf(error)
    } finally {
      this.loading = false
      this.button.disabled = false
    }
  }

  private render(): void {
    if (!this.loaded) return
    const entries = catalogEntries(this.items, {
      currentId: this.input.value.trim(),
      pageOrigin: window.location.origin,
      query: this.filter.value,
    })
    this.status.textContent = catalogSummary(this.kind, this.items.length, entries.length)
    this.filter.hidden = this.items.length < FILTER_FROM
    this.list.hidden = this.items.length === 0
    this.list.replaceChildren(...entries.map((entry) => this.renderEntry(entry)))
  }

  private renderEntry(entry: CatalogEntry): HTMLLIElement {
    const choose = h(
      'button',
      {
        type: 'button',
        class: 'admin-catalog__item',
        'data-id': entry.id,
        'aria-pressed': String(entry.selected),
      },
      entry.previewSrc ? h('img', { src: entry.previewSrc, alt: '', loading: 'lazy' }) : undefined,
      h('span', { class: 'admin-catalog__name' }, entry.name),
      h('span', { class: 'admin-catalog__detail' }, entry.detail),
    )
    if (entry.description) choose.title = entry.description
    choose.querySelector('img')?.addEventListener('error', (event) => (event.target as HTMLElement).remove())
    choose.addEventListener('click', () => {
      this.input.value = entry.id
      // Marks the field edited (kept across a failed save) and re-renders the selection.
      this.input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    return h('li', {}, choose)
  }
}
