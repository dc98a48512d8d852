export type SessionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'failed'

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`The page is missing #${id}`)
  return found as T
}

/** The fullscreen stage: what the visitor sees. It never goes blank: there is always a state on screen. */
export class StageView {
  private readonly status = element<HTMLElement>('stage-status')
  private readonly statusTitle = element<HTMLElement>('stage-status-title')
  private readonly statusDetail = element<HTMLElement>('stage-status-detail')
  private readonly badges = element<HTMLElement>('stage-badges')
  readonly media = element<HTMLElement>('stage-media')
  readonly background = element<HTMLElement>('stage-background')

  setSessionState(state: SessionState, sessionId?: string): void {
    document.documentElement.dataset.sessionState = state
    if (sessionId) document.documentElement.dataset.sessionId = sessionId
    else delete document.documentElement.dataset.sessionId
  }

  /** `data-stage` names what the screen shows, so operators' monitoring and tests can read it. */
  showStatus(stage: string, title: string, detail = ''): void {
    document.documentElement.dataset.stage = stage
    this.statusTitle.textContent = title
    this.statusDetail.textContent = detail
    this.status.hidden = false
  }

  hideStatus(stage: string): void {
    document.documentElement.dataset.stage = stage
    this.status.hidden = true
  }

  setBadge(id: string, text: string | undefined, tone: 'info' | 'warning' = 'info'): void {
    let badge = this.badges.querySelector<HTMLElement>(`[data-badge="${id}"]`)
    if (text === undefined) {
      badge?.remove()
      return
    }
    if (!badge) {
      badge = document.createElement('div')
      badge.className = 'stage__badge'
      badge.dataset.badge = id
      this.badges.append(badge)
    }
    badge.dataset.tone = tone
    badge.textContent = text
  }
}
