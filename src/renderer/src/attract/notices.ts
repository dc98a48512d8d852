import type { Settings } from '../../../shared/settings/schema'
import { effectiveConversationMode, type ConversationMode } from '../conversation/conversation-mode'
import type { PresenceState } from './presence-controller'
import { privacyLine } from './privacy-line'

/**
 * What visitors are told while they talk to the kiosk: that it is an AI (EU AI Act Article 50) and what the
 * microphone and camera are used for. The attract screen shows the same two lines at its own size.
 */

/** Where the kiosk is with its visitors: the presence controller's states. */
export type NoticeState = PresenceState

/** The states in which the stage, not a sleep screen, is what visitors see. */
const STAGE_STATES: ReadonlySet<NoticeState> = new Set(['waking', 'live', 'sleeping'])

export interface LiveNoticeFacts {
  state: NoticeState
  settings: Settings
  micInUse: boolean
  cameraInUse: boolean
  /** Who answers, when the session already knows (its capabilities); otherwise derived from the settings. */
  mode?: ConversationMode
}

/** The two lines' texts for the stage; empty strings hide them. */
export function liveNoticeTexts(facts: LiveNoticeFacts): { ai: string; privacy: string } {
  if (!STAGE_STATES.has(facts.state)) return { ai: '', privacy: '' }
  const { notices, conversation } = facts.settings
  return {
    ai: notices.aiDisclosure,
    privacy: notices.privacyLine
      ? privacyLine({
          screen: 'live',
          mode: facts.mode ?? effectiveConversationMode(facts.settings),
          micInUse: facts.micInUse,
          cameraInUse: facts.cameraInUse,
          logTranscripts: conversation.logTranscripts,
        })
      : '',
  }
}

/** Writes `text` into `element`, hiding it when empty, so an empty setting leaves no empty box behind. */
export function showLine(element: HTMLElement, text: string): void {
  element.textContent = text
  element.hidden = text === ''
}

/** A discreet corner on the stage with the AI notice and the privacy line; call `update` whenever a fact changes. */
export class LiveNotices {
  private readonly container: HTMLElement
  private readonly ai: HTMLElement
  private readonly privacy: HTMLElement

  constructor(root: HTMLElement) {
    this.container = document.createElement('aside')
    this.container.className = 'live-notices'
    this.container.setAttribute('aria-label', 'About this kiosk')
    this.ai = document.createElement('p')
    this.ai.className = 'live-notices__ai'
    this.privacy = document.createElement('p')
    this.privacy.className = 'live-notices__privacy'
    this.container.append(this.ai, this.privacy)
    this.container.hidden = true
    root.append(this.container)
  }

  update(facts: LiveNoticeFacts): void {
    const { ai, privacy } = liveNoticeTexts(facts)
    showLine(this.ai, ai)
    showLine(this.privacy, privacy)
    this.container.hidden = ai === '' && privacy === ''
  }

  destroy(): void {
    this.container.remove()
  }
}
