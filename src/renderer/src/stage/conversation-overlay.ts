import type { Settings } from '../../../shared/settings/schema'
import type { AvatarSessionEvents } from '../provider/avatar-provider'

const CAPTION_LINGER_MS = 6000

function element(id: string): HTMLElement {
  const found = document.getElementById(id)
  if (!found) throw new Error(`The page is missing #${id}`)
  return found
}

/**
 * Captions of what the avatar and the visitor say, and the listening / talking indicators. Each part can be
 * switched off in the display settings.
 */
export class ConversationOverlay {
  private readonly avatarCaption = element('caption-avatar')
  private readonly visitorCaption = element('caption-visitor')
  private readonly talking = element('indicator-talking')
  private readonly listening = element('indicator-listening')
  private avatarText = ''
  private visitorText = ''
  private avatarTimer: ReturnType<typeof setTimeout> | undefined
  private visitorTimer: ReturnType<typeof setTimeout> | undefined
  private display: Settings['display'] | undefined

  apply(display: Settings['display']): void {
    this.display = display
    this.avatarCaption.hidden = !display.captions.avatar || this.avatarText === ''
    this.visitorCaption.hidden = !display.captions.visitor || this.visitorText === ''
    this.talking.parentElement?.toggleAttribute('hidden', !display.showIndicators)
  }

  handle<Name extends keyof AvatarSessionEvents>(name: Name, payload: AvatarSessionEvents[Name]): void {
    switch (name) {
      case 'avatarStartTalking':
        this.setIndicator(this.talking, true)
        this.avatarText = ''
        break
      case 'avatarStopTalking':
        this.setIndicator(this.talking, false)
        this.avatarTimer = this.fadeLater(() => this.showAvatar(''))
        break
      case 'avatarTalkingMessage':
        clearTimeout(this.avatarTimer)
        this.showAvatar(nextCaption(this.avatarText, payload as AvatarSessionEvents['avatarTalkingMessage']))
        break
      case 'userStart':
        this.setIndicator(this.listening, true)
        this.visitorText = ''
        break
      case 'userStop':
        this.setIndicator(this.listening, false)
        break
      case 'userTalkingMessage':
        clearTimeout(this.visitorTimer)
        this.showVisitor(nextCaption(this.visitorText, payload as AvatarSessionEvents['userTalkingMessage']))
        break
      case 'userEndMessage':
        this.visitorTimer = this.fadeLater(() => this.showVisitor(''))
        break
    }
  }

  /** A visitor's words that did not come from the provider (our own speech-to-text, the text box). */
  showVisitorUtterance(text: string): void {
    clearTimeout(this.visitorTimer)
    this.showVisitor(text)
    this.visitorTimer = this.fadeLater(() => this.showVisitor(''))
  }

  /** A line the avatar is saying that no provider transcript covers (LiveAvatar LITE speaks our audio). */
  showAvatarLine(text: string): void {
    clearTimeout(this.avatarTimer)
    this.showAvatar(text)
  }

  setListening(active: boolean): void {
    this.setIndicator(this.listening, active)
  }

  reset(): void {
    this.showAvatar('')
    this.showVisitor('')
    this.setIndicator(this.talking, false)
    this.setIndicator(this.listening, false)
  }

  private showAvatar(text: string): void {
    this.avatarText = text
    this.avatarCaption.textContent = text
    this.avatarCaption.hidden = text === '' || this.display?.captions.avatar === false
  }

  private showVisitor(text: string): void {
    this.visitorText = text
    this.visitorCaption.textContent = text
    this.visitorCaption.hidden = text === '' || this.display?.captions.visitor === false
  }

  private setIndicator(indicator: HTMLElement, active: boolean): void {
    indicator.dataset.active = String(active)
    document.documentElement.dataset[indicator === this.talking ? 'avatarTalking' : 'visitorSpeaking'] =
      String(active)
  }

  private fadeLater(clear: () => void): ReturnType<typeof setTimeout> {
    return setTimeout(clear, CAPTION_LINGER_MS)
  }
}

/** Appends streamed words, or replaces the caption when the provider sends the whole text so far. */
export function nextCaption(current: string, message: { text: string; cumulative?: boolean }): string {
  return message.cumulative ? message.text.replace(/\s+/g, ' ').trim() : joinWords(current, message.text)
}

/** Providers stream words with or without their own spacing; normalise to single spaces. */
export function joinWords(current: string, piece: string): string {
  if (piece === '') return current
  if (current === '' || /^[\s,.;:!?)]/.test(piece) || /\s$/.test(current))
    return `${current}${piece}`.replace(/\s+/g, ' ').trimStart()
  return `${current} ${piece}`.replace(/\s+/g, ' ')
}
