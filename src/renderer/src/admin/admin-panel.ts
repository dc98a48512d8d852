import type { KioskBridge } from '../../../shared/bridge-api'
import type { SecretName, SettingsView } from '../../../shared/contract'
import { BridgeError } from '../../../shared/result'
import { isLiveAvatarLite } from '../conversation/conversation-mode'
import { call } from '../bridge'
import { AdminSettingsForm } from './admin-form'
import { AutostartControl } from './autostart-control'
import { DiagnosticsView } from './diagnostics-view'
import { UsageView } from './usage-view'
import { h } from './dom'
import { PROVIDER_PRESETS } from '../../../shared/settings/schema'
import { presetOf } from './provider-preset'

/** The provider key is named after the service it is for: LiveAvatar and HeyGen keys do not work on each other. */
function secretLabel(name: SecretName, view: SettingsView): string {
  if (name === 'llmApiKey') return 'LLM API key'
  const preset = presetOf(view.settings.provider)
  return preset === 'custom'
    ? 'Avatar service API key'
    : `${PROVIDER_PRESETS[preset].label.split(' (')[0]} API key`
}

function messageOf(error: unknown): string {
  return error instanceof BridgeError ? error.message : 'Something went wrong. Try again.'
}

export interface AdminPanelOptions {
  /** Makes a live avatar say a fixed sentence ("Check this kiosk"); resolves false when no session is live. */
  sayTestSentence?: () => Promise<boolean>
}

/**
 * The hidden, PIN-protected admin panel. Keys can be set or cleared but are never shown: the panel, like the
 * rest of the renderer, only ever learns whether a key is set.
 */
export class AdminPanel {
  private readonly root: HTMLElement
  private readonly pinForm: HTMLFormElement
  private readonly pinInput: HTMLInputElement
  private readonly pinError: HTMLElement
  private readonly panel: HTMLElement
  private readonly notices: HTMLElement
  private readonly protection: HTMLElement
  private readonly saveResult: HTMLElement
  private readonly newPinInput: HTMLInputElement
  private readonly pinResult: HTMLElement
  private readonly form: AdminSettingsForm
  private readonly autostart: AutostartControl
  private readonly diagnostics: DiagnosticsView
  private readonly usage: UsageView

  constructor(
    private readonly bridge: KioskBridge,
    private readonly onClosed: () => void = () => undefined,
    options: AdminPanelOptions = {},
  ) {
    // Lists come from the saved provider and key (main fetches them), not from unsaved edits in the form.
    this.form = new AdminSettingsForm(
      async (kind) => (await call(this.bridge, 'listCatalog', { kind })).items,
      messageOf,
    )
    this.pinInput = h('input', {
      type: 'password',
      inputmode: 'numeric',
      autocomplete: 'off',
      id: 'admin-pin',
      'aria-label': 'Admin PIN',
    })
    this.pinError = h('p', { class: 'admin__error', role: 'alert' })
    this.pinForm = h(
      'form',
      { class: 'admin-pin' },
      h('label', { for: 'admin-pin' }, 'Admin PIN'),
      this.pinInput,
      h('button', { type: 'submit' }, 'Unlock'),
      this.pinError,
    )
    this.pinForm.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.unlock()
    })

    this.notices = h('div', { class: 'admin__notices' })
    this.protection = h('p', { class: 'admin__protection' })
    this.saveResult = h('p', { class: 'admin__result', role: 'status' })
    this.form.element.append(
      h(
        'div',
        { class: 'admin__actions' },
        h('button', { type: 'submit', class: 'admin__primary' }, 'Save settings'),
        this.saveResult,
      ),
    )
    this.form.element.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.save()
    })

    this.newPinInput = h('input', {
      type: 'password',
      inputmode: 'numeric',
      autocomplete: 'off',
      id: 'admin-new-pin',
    })
    this.pinResult = h('p', { class: 'admin__result', role: 'status' })
    const pinSetup = h(
      'form',
      { class: 'admin-form__section admin-pin-setup' },
      h('label', { for: 'admin-new-pin' }, 'New admin PIN (4–12 digits)'),
      this.newPinInput,
      h('button', { type: 'submit' }, 'Save PIN'),
      this.pinResult,
    )
    pinSetup.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.savePin()
    })

    this.diagnostics = new DiagnosticsView({
      runChecks: async () => (await call(this.bridge, 'runDiagnostics')).checks,
      cameraEnabled: async () => (await call(this.bridge, 'getSettings')).settings.attract.wake.camera,
      sayTestSentence: options.sayTestSentence,
      messageOf,
    })
    this.usage = new UsageView({ loadUsage: (days) => call(this.bridge, 'getUsage', { days }), messageOf })
    this.autostart = new AutostartControl({
      loadAutostart: () => call(this.bridge, 'getAutostart'),
      setAutostart: (enabled) => call(this.bridge, 'setAutostart', { enabled }),
      messageOf,
    })
    this.panel = h(
      'div',
      { class: 'admin__panel' },
      this.notices,
      this.usage.element,
      this.diagnostics.element,
      this.form.element,
      pinSetup,
      this.autostart.element,
      this.protection,
    )
    const close = h('button', { type: 'button', class: 'admin__close' }, 'Close')
    close.addEventListener('click', () => void this.close())
    this.root = h(
      'div',
      { class: 'admin', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Kiosk settings', hidden: true },
      h(
        'div',
        { class: 'admin__sheet' },
        h('header', { class: 'admin__header' }, h('h2', {}, 'Kiosk settings'), close),
        this.pinForm,
        this.panel,
      ),
    )
    document.body.append(this.root)
  }

  get isOpen(): boolean {
    return !this.root.hidden
  }

  async open(): Promise<void> {
    this.root.hidden = false
    document.documentElement.dataset.admin = 'open'
    try {
      this.render(await call(this.bridge, 'getSettings'))
    } catch (error) {
      this.showPin(messageOf(error))
    }
  }

  async close(): Promise<void> {
    this.root.hidden = true
    this.diagnostics.close()
    delete document.documentElement.dataset.admin
    this.pinInput.value = ''
    await call(this.bridge, 'lockAdmin').catch(() => undefined)
    this.onClosed()
  }

  /** Keeps the panel current when another window or the provisioning import changes settings. */
  update(view: SettingsView): void {
    if (this.isOpen && !this.panel.hidden) this.render(view, { keepEdits: true })
  }

  private render(view: SettingsView, options: { keepEdits?: boolean } = {}): void {
    if (view.admin.locked) return this.showPin()
    this.pinForm.hidden = true
    this.panel.hidden = false
    this.form.fill(view.settings, options)
    this.renderSecrets(view)
    this.renderNotices(view)
    void this.autostart.refresh()
    void this.usage.refresh()
    this.protection.textContent = view.secretProtection.description
  }

  private showPin(error = ''): void {
    this.panel.hidden = true
    this.diagnostics.close()
    this.pinForm.hidden = false
    this.pinError.textContent = error
    this.pinInput.focus()
  }

  private renderNotices(view: SettingsView): void {
    const items = [...view.notices]
    if (!view.secrets.adminPin)
      items.unshift({ level: 'warning', message: 'Set an admin PIN so visitors cannot open these settings.' })
    if (view.provider.kind === 'sandbox')
      items.unshift({
        level: 'info',
        message: `No ${secretLabel('providerApiKey', view)} is set: the kiosk shows the built-in sandbox avatar.`,
      })
    if (isLiveAvatarLite(view.settings) && view.settings.conversation.mode === 'provider')
      items.push({
        level: 'info',
        message:
          'LiveAvatar LITE has no LLM of its own: the kiosk answers with our own LLM (its settings are below).',
      })
    this.notices.replaceChildren(
      ...items.map((notice) =>
        h('p', { class: 'admin__notice', 'data-level': notice.level }, notice.message),
      ),
    )
  }

  private renderSecrets(view: SettingsView): void {
    for (const [name, slot] of this.form.secretSlots) {
      const secretName = name as SecretName
      const isSet = view.secrets[secretName]
      const label = secretLabel(secretName, view)
      const input = h('input', {
        type: 'password',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-label': label,
      })
      const status = h(
        'p',
        { class: 'admin-secret__status', 'data-set': String(isSet) },
        isSet ? 'A key is set.' : 'No key is set.',
      )
      const error = h('p', { class: 'admin-field__error', role: 'alert' })
      const save = h('button', { type: 'button' }, isSet ? 'Replace key' : 'Save key')
      save.addEventListener('click', () => void this.saveSecret(secretName, input, error))
      const clear = h('button', { type: 'button', hidden: !isSet }, 'Remove key')
      clear.addEventListener('click', () => void this.clearSecret(secretName, error))
      slot.replaceChildren(
        h('label', {}, label),
        status,
        input,
        h('div', { class: 'admin-secret__actions' }, save, clear),
        error,
      )
    }
  }

  private async unlock(): Promise<void> {
    try {
      const result = await call(this.bridge, 'unlockAdmin', { pin: this.pinInput.value })
      this.pinInput.value = ''
      if (!result.unlocked) {
        const wait = Math.ceil(result.retryAfterMs / 1000)
        return this.showPin(wait > 0 ? `Wrong PIN. Try again in ${wait} s.` : 'Wrong PIN.')
      }
      this.render(await call(this.bridge, 'getSettings'), { keepEdits: true })
    } catch (error) {
      this.showPin(messageOf(error))
    }
  }

  private async save(): Promise<void> {
    this.saveResult.textContent = 'Saving…'
    try {
      const view = await call(this.bridge, 'updateSettings', this.form.patch())
      this.form.clearErrors()
      this.render(view)
      this.saveResult.textContent = 'Saved.'
    } catch (error) {
      this.handleFailure(error, this.saveResult, { formFields: true })
    }
  }

  private async saveSecret(name: SecretName, input: HTMLInputElement, error: HTMLElement): Promise<void> {
    try {
      this.render(await call(this.bridge, 'setSecret', { name, value: input.value }), { keepEdits: true })
    } catch (failure) {
      this.handleFailure(failure, error)
    }
  }

  private async clearSecret(name: SecretName, error: HTMLElement): Promise<void> {
    try {
      this.render(await call(this.bridge, 'clearSecret', { name }), { keepEdits: true })
    } catch (failure) {
      this.handleFailure(failure, error)
    }
  }

  private async savePin(): Promise<void> {
    try {
      this.render(await call(this.bridge, 'setAdminPin', { pin: this.newPinInput.value }), {
        keepEdits: true,
      })
      this.newPinInput.value = ''
      this.pinResult.textContent = 'PIN saved.'
    } catch (error) {
      this.handleFailure(error, this.pinResult)
    }
  }

  /** Field errors of the settings form go next to their fields; other failures go to the action's own slot. */
  private handleFailure(error: unknown, slot: HTMLElement, { formFields = false } = {}): void {
    if (error instanceof BridgeError && error.code === 'admin-locked') {
      slot.textContent = ''
      return this.showPin('The panel locked itself. Enter the PIN to continue; your edits are kept.')
    }
    if (error instanceof BridgeError && error.fields?.length) {
      if (formFields) {
        this.form.showErrors(error.fields)
        slot.textContent = 'Some settings need attention: see the highlighted fields. Nothing was saved.'
      } else {
        slot.textContent = error.fields.map((field) => field.message).join(' ')
      }
      return
    }
    slot.textContent = messageOf(error)
  }
}
