/**
 * The visitor's other ways in, besides the voice: a hint line (for microphone trouble) and an optional text box
 * for accessibility and noisy floors.
 */
export class VisitorInput {
  private readonly hint: HTMLButtonElement
  private readonly form: HTMLFormElement
  private readonly input: HTMLInputElement
  private requested = false
  private needed = false

  constructor(container: HTMLElement, onSubmit: (text: string) => void) {
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
    container.append(this.hint, this.form)
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
    return target instanceof Node && (this.form.contains(target) || this.hint.contains(target))
  }

  private render(): void {
    this.form.hidden = !(this.requested || this.needed)
  }
}
