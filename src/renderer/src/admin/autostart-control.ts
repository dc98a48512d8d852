import type { AutostartState } from '../../../shared/diagnostics'
import { h } from './dom'

export interface AutostartControlOptions {
  loadAutostart(): Promise<AutostartState>
  setAutostart(enabled: boolean): Promise<AutostartState>
  messageOf(error: unknown): string
}

/**
 * "Start with this computer": a switch where the host can do it (a login item, an XDG autostart entry), and the
 * instructions to follow by hand where it cannot (the web host prints a systemd user unit to install).
 */
export class AutostartControl {
  readonly element: HTMLElement
  private readonly toggle: HTMLInputElement
  private readonly switchRow: HTMLElement
  private readonly status: HTMLElement
  private readonly instructions: HTMLElement
  /** Bumped per load or change, so a slow answer never overwrites a newer one. */
  private generation = 0

  constructor(private readonly options: AutostartControlOptions) {
    this.toggle = h('input', { type: 'checkbox', id: 'admin-autostart' })
    this.toggle.addEventListener('change', () => void this.change(this.toggle.checked))
    this.switchRow = h(
      'div',
      { class: 'admin-autostart__switch' },
      this.toggle,
      h('label', { for: 'admin-autostart' }, 'Start with this computer'),
    )
    this.status = h('p', { class: 'admin__result', role: 'status' })
    // Preformatted: the instructions carry a unit file and commands to copy as they are.
    this.instructions = h('pre', { class: 'admin-autostart__instructions' })
    this.element = h(
      'section',
      { class: 'admin-form__section admin-autostart', 'aria-labelledby': 'admin-autostart-title' },
      h('h3', { id: 'admin-autostart-title' }, 'Start with this computer'),
      this.switchRow,
      this.status,
      this.instructions,
    )
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation
    try {
      const state = await this.options.loadAutostart()
      if (generation === this.generation) this.show(state)
    } catch (error) {
      if (generation === this.generation) this.status.textContent = this.options.messageOf(error)
    }
  }

  private async change(enabled: boolean): Promise<void> {
    const generation = ++this.generation
    this.toggle.disabled = true
    this.status.textContent = enabled ? 'Turning on…' : 'Turning off…'
    try {
      const state = await this.options.setAutostart(enabled)
      if (generation === this.generation) this.show(state)
    } catch (error) {
      if (generation !== this.generation) return
      // Nothing changed: the switch goes back to what it showed.
      this.toggle.checked = !enabled
      this.status.textContent = this.options.messageOf(error)
    } finally {
      this.toggle.disabled = false
    }
  }

  private show(state: AutostartState): void {
    this.element.dataset.mechanism = state.mechanism
    this.switchRow.hidden = state.mechanism === 'none'
    this.toggle.checked = state.enabled
    this.status.textContent =
      state.mechanism === 'none'
        ? 'This kiosk cannot add itself to the computer’s start-up. Do this instead:'
        : state.enabled
          ? 'On: the kiosk starts when this computer’s user logs in.'
          : 'Off.'
    this.instructions.textContent = state.instructions
  }
}
