import type { UsageEvent } from '../../../shared/usage'
import type { Timers } from '../session/session-controller'

/**
 * Where the kiosk is with its visitors:
 * - `starting`: settings and the budget are being read; nothing wakes it yet.
 * - `attract`: nobody there, no session; a touch, a voice or a face wakes it.
 * - `waking`: a session is starting (after a wake, or at boot with attract mode off).
 * - `live`: the session is live and a visitor may be talking to it.
 * - `sleeping`: the goodbye is being said; the session stops next.
 * - `closed`: outside the opening hours; no sessions at all.
 * - `budget`: today's session minutes are used up; no sessions until the budget allows one.
 */
export type PresenceState = 'starting' | 'attract' | 'waking' | 'live' | 'sleeping' | 'closed' | 'budget'
export type AsleepScreen = 'attract' | 'closed' | 'budget'
export type WakeSource = 'touch' | 'voice' | 'camera'

export interface PresenceSettings {
  /** Off: the session opens at start-up and stays open (opening hours and the budget still apply). */
  enabled: boolean
  idleSeconds: number
  /** Said before the session ends; empty for none. */
  goodbye: string
  wake: Record<WakeSource, boolean>
}

/** The opening hours, as the schedule module answers them; `nextChange` is undefined when it never changes. */
export interface ScheduleGate {
  isOpen(at: Date): boolean
  nextChange(at: Date): Date | undefined
}

export interface PresenceDeps {
  /** The session controller's start and stop. */
  startSession(): void
  stopSession(reason: string): Promise<void>
  /** Speaks a line on the live session (the goodbye). */
  say(text: string): void
  /** Forgets the conversation, here and in main: the next visitor starts afresh. */
  clearMemory(): void
  showScreen(kind: AsleepScreen): void
  hideScreen(): void
  /** Turns the presence detectors (voice, camera) on while asleep and off while a session is wanted. */
  armWakeSources(wake: Record<WakeSource, boolean>): void
  disarmWakeSources(): void
  /** Warms up what a wake will need (the provider SDK), while the attract screen shows. */
  prepareWake(): void
  recordUsage(event: UsageEvent): void
  /** Whether today's budget is used up; a main that cannot say answers false (no cap). */
  budgetReached(): Promise<boolean>
  schedule(): ScheduleGate
  onStateChange?(state: PresenceState): void
  mark?(name: string): void
  timers?: Timers
}

export interface PresencePolicy {
  /** How often the budget is asked while a session may be costing minutes (and while waiting for a new day). */
  budgetCheckMs: number
  /** The longest the goodbye may hold the session open. */
  goodbyeMaxMs: number
  /** If the avatar has not begun the goodbye by then, it is not going to. */
  goodbyeStartMs: number
  /** While a session is starting, the idle time is this much longer. */
  startGraceMs: number
  /** How long start-up waits for the budget before going on without it (a later answer still counts). */
  firstBudgetAnswerMs: number
}

export const DEFAULT_PRESENCE_POLICY: PresencePolicy = {
  budgetCheckMs: 60_000,
  goodbyeMaxMs: 4_000,
  goodbyeStartMs: 1_500,
  firstBudgetAnswerMs: 1_500,
  startGraceMs: 60_000,
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
}

/** setTimeout's longest delay; a schedule change further away is re-checked after this. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * The presence state machine: it decides when a provider session should exist. It never touches the provider
 * itself; it asks the session controller to start and stop, and the screen to show or hide.
 */
export class PresenceController {
  private stateValue: PresenceState = 'starting'
  private settings: PresenceSettings | undefined
  private readonly timers: Timers
  private readonly policy: PresencePolicy
  private idleTimer: unknown
  private scheduleTimer: unknown
  private budgetTimer: unknown
  private goodbyeTimers: unknown[] = []
  private lastActivityAt = 0
  private avatarTalking = false
  /** The idle time ran out while the avatar was talking: sleep when it stops. */
  private sleepWhenQuiet = false
  /** Budget or hours ran out during a visit: where to go at the next idle moment. */
  private blockedBy: 'closed' | 'budget' | undefined
  private budgetUsedUp = false
  /** Numbers the budget questions, so only the newest answer counts. */
  private budgetAnswers = 0
  /** A wake whose visitor has not yet spoken or typed (the `visitor` count waits for that). */
  private awaitingVisitor = false
  private started = false
  /** While the goodbye is said: the avatar's talking events end the wait. */
  private watchGoodbye: ((talking: boolean) => void) | undefined
  /** Ends the goodbye wait early; set while sleeping. */
  private finishGoodbye: ((outcome: 'done' | 'cancelled') => void) | undefined

  constructor(
    private readonly deps: PresenceDeps,
    policy: Partial<PresencePolicy> = {},
  ) {
    this.timers = deps.timers ?? realTimers
    this.policy = { ...DEFAULT_PRESENCE_POLICY, ...policy }
  }

  get state(): PresenceState {
    return this.stateValue
  }

  /** Applies new settings; the first call starts the machine (attract screen, or a session with attract off). */
  apply(settings: PresenceSettings): void {
    const previous = this.settings
    this.settings = settings
    if (!this.started) {
      this.started = true
      this.scheduleBudgetCheck()
      void this.firstBudgetAnswer().then(() => this.enterResting())
      return
    }
    if (previous?.enabled !== settings.enabled || previous.idleSeconds !== settings.idleSeconds) {
      if (this.isAwake()) this.restartIdleTimer()
      else if (this.stateValue === 'attract' && !settings.enabled) this.wakeUp(undefined)
    }
    if (this.isAsleep() && this.stateValue === 'attract') this.deps.armWakeSources(settings.wake)
    this.scheduleNextBoundary()
  }

  /** The opening hours may have changed (new settings): re-check now. */
  scheduleChanged(): void {
    if (!this.started) return
    this.onBoundary()
  }

  /** A sign of presence: a touch on the attract screen, speech start on the microphone, a face. */
  wake(source: WakeSource): void {
    const settings = this.settings
    if (!settings || this.stateValue !== 'attract' || !settings.wake[source]) return
    this.wakeUp(source)
  }

  /** A visitor touched, typed, spoke or was seen: the idle time starts again. */
  activity(): void {
    this.lastActivityAt = this.timers.now()
    this.sleepWhenQuiet = false
    if (this.stateValue === 'sleeping' && this.finishGoodbye) {
      // Someone is still there: keep the session rather than say goodbye to them.
      this.finishGoodbye('cancelled')
      return
    }
    if (this.isAwake()) this.restartIdleTimer()
  }

  /** The visitor spoke or typed (not just a touch): a wake that led to a visitor. */
  visitorSpoke(): void {
    this.activity()
    if (!this.awaitingVisitor || !this.isAwake()) return
    this.awaitingVisitor = false
    this.deps.recordUsage('visitor')
  }

  /** The avatar started or stopped talking: it is never put to sleep mid-sentence, and this ends the goodbye. */
  avatarTalkingChanged(talking: boolean): void {
    this.avatarTalking = talking
    this.watchGoodbye?.(talking)
    if (!talking && this.sleepWhenQuiet && this.isAwake()) void this.sleep()
  }

  /** The session controller's state: live ends a wake. */
  sessionStateChanged(sessionState: string): void {
    if (sessionState !== 'live' || this.stateValue !== 'waking') return
    this.transition('live')
    // The visitor who woke it has been waiting for the avatar: their idle time starts when it can answer.
    this.lastActivityAt = this.timers.now()
    this.restartIdleTimer()
  }

  /** Main refused to mint a token: the kiosk is closed, or today's budget is used up. Never retried in a loop. */
  sessionRefused(code: 'kiosk-closed' | 'budget-reached'): void {
    if (code === 'budget-reached') this.budgetUsedUp = true
    this.budgetAnswers += 1
    void this.deps.stopSession(code)
    this.clearIdle()
    this.rest(code === 'budget-reached' ? 'budget' : 'closed')
  }

  dispose(): void {
    this.clearIdle()
    this.timers.clearTimeout(this.scheduleTimer)
    this.timers.clearTimeout(this.budgetTimer)
    this.deps.disarmWakeSources()
  }

  private isAwake(): boolean {
    return this.stateValue === 'waking' || this.stateValue === 'live'
  }

  private isAsleep(): boolean {
    return this.stateValue === 'attract' || this.stateValue === 'closed' || this.stateValue === 'budget'
  }

  private transition(next: PresenceState): void {
    if (this.stateValue === next) return
    this.stateValue = next
    this.deps.onStateChange?.(next)
  }

  private isOpenNow(): boolean {
    return this.deps.schedule().isOpen(new Date(this.timers.now()))
  }

  /** Where the kiosk goes when no visitor is there: closed, out of budget, the attract screen, or (off) live. */
  private enterResting(): void {
    this.scheduleNextBoundary()
    if (!this.isOpenNow()) return this.rest('closed')
    if (this.budgetUsedUp) return this.rest('budget')
    if (this.settings?.enabled) return this.rest('attract')
    this.wakeUp(undefined)
  }

  private rest(screen: AsleepScreen): void {
    this.clearIdle()
    this.blockedBy = undefined
    this.awaitingVisitor = false
    this.transition(screen)
    this.deps.showScreen(screen)
    if (screen === 'attract' && this.settings) {
      this.deps.armWakeSources(this.settings.wake)
      this.deps.prepareWake()
    } else {
      this.deps.disarmWakeSources()
    }
  }

  /** `source`: what woke it; none for a session opened because attract mode is off. */
  private wakeUp(source: WakeSource | undefined): void {
    if (!this.isOpenNow()) return this.rest('closed')
    if (this.budgetUsedUp) return this.rest('budget')
    this.deps.disarmWakeSources()
    this.lastActivityAt = this.timers.now()
    this.sleepWhenQuiet = false
    this.transition('waking')
    // The token and connection work starts first: everything else can happen while it runs.
    this.deps.startSession()
    this.deps.hideScreen()
    if (source) {
      this.deps.mark?.('kiosk:wake')
      this.awaitingVisitor = true
      this.deps.recordUsage('wake')
      // The cached answer let this wake through; a fresh one catches a budget used up since.
      void this.refreshBudget()
    }
    this.restartIdleTimer()
  }

  private clearIdle(): void {
    this.timers.clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    this.sleepWhenQuiet = false
  }

  private restartIdleTimer(): void {
    this.timers.clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    const settings = this.settings
    // Attract mode off: the session stays open, unless budget or hours ended while a visitor was there.
    if (!settings || (!settings.enabled && this.blockedBy === undefined)) return
    // A slow start is not a visitor gone; but a start that never succeeds must not keep retrying all day.
    const grace = this.stateValue === 'waking' ? this.policy.startGraceMs : 0
    const dueIn = Math.max(0, this.lastActivityAt + settings.idleSeconds * 1000 + grace - this.timers.now())
    this.idleTimer = this.timers.setTimeout(() => this.onIdle(), dueIn)
  }

  private onIdle(): void {
    this.idleTimer = undefined
    if (!this.isAwake()) return
    if (this.avatarTalking) {
      this.sleepWhenQuiet = true
      return
    }
    void this.sleep()
  }

  /** Goodbye (when live and there is one), stop at the provider, forget the conversation, then the screen. */
  private async sleep(): Promise<void> {
    const wasLive = this.stateValue === 'live'
    this.clearIdle()
    this.transition('sleeping')
    const goodbye = this.settings?.goodbye ?? ''
    if (wasLive && goodbye) {
      const outcome = await this.sayGoodbye(goodbye)
      if (outcome === 'cancelled') {
        this.transition('live')
        this.restartIdleTimer()
        return
      }
    }
    const blockedBy = this.blockedBy
    await this.deps.stopSession('visitor left')
    this.deps.clearMemory()
    if (this.stateValue !== 'sleeping') return
    if (blockedBy) this.rest(blockedBy)
    else this.enterResting()
  }

  /** Resolves when the avatar finished the goodbye, gave up on it, or a visitor turned out to be there. */
  private sayGoodbye(text: string): Promise<'done' | 'cancelled'> {
    return new Promise((resolve) => {
      let began = false
      const finish = (outcome: 'done' | 'cancelled') => {
        for (const timer of this.goodbyeTimers) this.timers.clearTimeout(timer)
        this.goodbyeTimers = []
        this.finishGoodbye = undefined
        this.watchGoodbye = undefined
        resolve(outcome)
      }
      this.finishGoodbye = finish
      this.watchGoodbye = (talking) => {
        if (talking) began = true
        else if (began) finish('done')
      }
      this.goodbyeTimers = [
        this.timers.setTimeout(() => {
          if (!began) finish('done')
        }, this.policy.goodbyeStartMs),
        this.timers.setTimeout(() => finish('done'), this.policy.goodbyeMaxMs),
      ]
      this.deps.say(text)
    })
  }

  /** At start-up a slow main must not keep the kiosk dark: past a moment, no answer means no cap for now. */
  private firstBudgetAnswer(): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(resolve, this.policy.firstBudgetAnswerMs)
      void this.refreshBudget().finally(() => {
        this.timers.clearTimeout(timer)
        resolve()
      })
    })
  }

  private async refreshBudget(): Promise<void> {
    const asked = ++this.budgetAnswers
    let reached: boolean
    try {
      reached = await this.deps.budgetReached()
    } catch {
      reached = false
    }
    // An answer asked for before main refused a token (or before a newer question) is out of date.
    if (asked !== this.budgetAnswers) return
    this.budgetUsedUp = reached
    if (reached && this.isAwake()) {
      // Not cut off mid-visit: the session ends at the next idle moment, and the kiosk stays asleep.
      if (this.blockedBy !== undefined) return
      this.blockedBy = 'budget'
      this.restartIdleTimer()
    } else if (reached && this.stateValue === 'attract') {
      this.rest('budget')
    } else if (!reached && this.stateValue === 'budget') {
      this.enterResting()
    }
  }

  private scheduleBudgetCheck(): void {
    this.budgetTimer = this.timers.setTimeout(() => {
      this.scheduleBudgetCheck()
      if (this.stateValue !== 'closed') void this.refreshBudget()
    }, this.policy.budgetCheckMs)
  }

  private scheduleNextBoundary(): void {
    this.timers.clearTimeout(this.scheduleTimer)
    this.scheduleTimer = undefined
    const now = this.timers.now()
    const next = this.deps.schedule().nextChange(new Date(now))
    if (!next) return
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next.getTime() - now))
    this.scheduleTimer = this.timers.setTimeout(() => this.onBoundary(), delay)
  }

  private onBoundary(): void {
    this.scheduleNextBoundary()
    const open = this.isOpenNow()
    if (!open && this.isAwake()) {
      if (this.blockedBy === 'closed') return
      this.blockedBy = 'closed'
      this.restartIdleTimer()
    } else if (!open && this.isAsleep()) {
      if (this.stateValue !== 'closed') this.rest('closed')
    } else if (open && this.stateValue === 'closed') {
      this.enterResting()
    }
  }
}
