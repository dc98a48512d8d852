import type { SessionSnapshot } from '../session/session-controller'
import type { StageView } from './stage-view'

/**
 * What the visitor reads for each session state. Never a blank screen: while there is no live avatar there is
 * always a calm sentence, and a countdown when we are waiting to try again.
 */
export class SessionStatus {
  private countdown: ReturnType<typeof setInterval> | undefined

  constructor(private readonly view: StageView) {}

  render(snapshot: SessionSnapshot): void {
    clearInterval(this.countdown)
    this.countdown = undefined
    this.view.setBadge('reconnecting', undefined)
    switch (snapshot.state) {
      case 'live':
        this.view.hideStatus('live')
        return
      case 'connecting':
        this.view.showStatus('connecting', 'Hello! One moment…', 'The assistant is getting ready.')
        return
      case 'reconnecting':
        // A short hand-over (rotation, a blip): keep the last picture and only hint at it.
        this.view.hideStatus('reconnecting')
        this.view.setBadge(
          'reconnecting',
          snapshot.offline ? 'Waiting for the network…' : 'Reconnecting…',
          'warning',
        )
        return
      case 'failed':
        this.renderFailed(snapshot)
        return
      case 'idle':
        if (snapshot.reason === 'not-configured') {
          this.view.showStatus(
            'not-configured',
            'Not configured yet',
            snapshot.message ?? 'An operator needs to add the avatar service key in the admin settings.',
          )
        } else {
          this.view.showStatus('idle', 'Hello!', '')
        }
    }
  }

  private renderFailed(snapshot: SessionSnapshot): void {
    const detail = () => {
      if (snapshot.offline) return 'Waiting for the network to come back.'
      const seconds = Math.max(0, Math.ceil(((snapshot.retryAt ?? Date.now()) - Date.now()) / 1000))
      return seconds > 0 ? `Trying again in ${seconds} s.` : 'Trying again now…'
    }
    this.view.showStatus('failed', 'We’ll be right back', detail())
    this.countdown = setInterval(() => this.view.showStatus('failed', 'We’ll be right back', detail()), 1000)
  }
}
