export type MicControl = 'none' | 'mute' | 'push-to-talk'
export type MicEvent = { kind: 'mute'; muted: boolean } | { kind: 'push-to-talk'; active: boolean }

/**
 * The visitor's other ways in, besides the voice: a hint line (for microphone trouble) and an optional text box
 * for accessibility and noisy floors.
 */
export class VisitorInput {
  private readonly hint: HTMLButtonElement
  private readonly form: HTMLFormElement
  private readonly input: HTMLInputElement
  private readonly micButton: HTMLButtonElement
  private requested = false
  private needed = false
  private micMode: MicControl = 'none'
  private muted = false

  constructor(
    container: HTMLElement,
    onSubmit: (text: string) => void,
    private readonly onMicrophone: (event: MicEvent) => void = () => undefined,
  ) {
    this.micButton = document.createElement('button')
    this.micButton.type = 'button'
    this.micButton.id = 'visitor-microphone'
    this.micButton.className = 'stage__mic'
    this.micButton.hidden = true
    this.micButton.addEventListener('click', () => {
      if (this.micMode !== 'mute') return
      this.muted = !this.muted
      this.renderMic()
      this.onMicrophone({ kind: 'mute', muted: this.muted })
    })
    const hold = (active: boolean) => (event: PointerEvent) => {
      if (this.micMode !== 'push-to-talk') return
      event.preventDefault()
      this.micButton.dataset.active = String(active)
      this.onMicrophone({ kind: 'push-to-talk', active })
    }
    this.micButton.addEventListener('pointerdown', hold(true))
    for (const end of ['pointerup', 'pointerleave', 'pointercancel'] as const) {
      this.micButton.addEventListener(end, (event) => {
        if (this.micButton.dataset.active === 'true') hold(false)(event)
      })
    }

    this.hint = document.createElement('button')
    this.hint.type = 'button'
    this.hint.id = 'visitor-hint'
    this.hint.className = 'stage__hint'
    this.hint.hidden = true
    this.hint.addEventListener('click', () => {
      this.needed = true
      this.render()
      this.input.focus()
    })

    this.form = document.createElement('form')
    this.form.className = 'stage__ask'
    this.form.hidden = true
    this.input = document.createElement('input')
    this.input.type = 'text'
    this.input.id = 'visitor-question'
    this.input.placeholder = 'Type your question'
    this.input.autocomplete = 'off'
    this.input.maxLength = 500
    this.input.setAttribute('aria-label', 'Your question')
    const send = document.createElement('button')
    send.type = 'submit'
    send.textContent = 'Ask'
    this.form.append(this.input, send)
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      const text = this.input.value.trim()
      if (!text) return
      this.input.value = ''
      onSubmit(text)
    })
    container.append(this.hint, this.form, this.micButton)
  }

  /** `mute`: a toggle; `push-to-talk`: hold while speaking; `none`: hidden. */
  setMicrophoneControl(mode: MicControl): void {
    this.micMode = mode
    if (mode !== 'mute') this.muted = false
    this.renderMic()
  }

  private renderMic(): void {
    this.micButton.hidden = this.micMode === 'none'
    this.micButton.textContent =
      this.micMode === 'push-to-talk' ? 'Hold to talk' : this.muted ? 'Unmute microphone' : 'Mute microphone'
    this.micButton.dataset.muted = String(this.muted)
  }

  /** The operator turned the text box on in settings. */
  setEnabled(enabled: boolean): void {
    this.requested = enabled
    this.render()
  }

  /** A microphone problem: say so, and offer typing instead. `undefined` clears it. */
  setHint(text: string | undefined): void {
    this.hint.textContent = text ?? ''
    this.hint.hidden = text === undefined
    this.needed = text !== undefined
    document.documentElement.dataset.microphone = text === undefined ? 'ok' : 'unavailable'
    this.render()
  }

  /** Keeps taps in the text box from counting as a barge-in tap on the stage. */
  contains(target: EventTarget | null): boolean {
    return (
      target instanceof Node &&
      (this.form.contains(target) || this.hint.contains(target) || this.micButton.contains(target))
    )
  }

  private render(): void {
    this.form.hidden = !(this.requested || this.needed)
  }
}
