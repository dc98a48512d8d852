import type { DiagnosticCheck } from '../../../shared/diagnostics'
import { MICROPHONE_HINTS, MicrophoneError } from '../conversation/microphone'
import { cameraProblem, startCameraPreview } from './camera-preview'
import { DiagnosticLine } from './diagnostic-line'
import { h } from './dom'
import { HEARD_LEVEL, startMicMeter } from './mic-meter'
import { playChime } from './speaker-test'
import { readWebglInfo } from './webgl-info'

export interface DiagnosticsViewOptions {
  /** The checks main runs with the keys (`runDiagnostics`). */
  runChecks: () => Promise<DiagnosticCheck[]>
  /** Whether waking by camera is on (`attract.wake.camera`): only then is there a camera to preview. */
  cameraEnabled: () => Promise<boolean>
  /** Makes a live avatar speak a fixed sentence; false when no session is live. */
  sayTestSentence?: (() => Promise<boolean>) | undefined
  messageOf: (error: unknown) => string
}

/** Lines main fills in, shown as "Checking…" until its answer arrives. */
const MAIN_CHECKS: [id: string, label: string][] = [
  ['versions', 'Versions'],
  ['disk', 'Free disk space'],
  ['provider', 'Avatar service'],
  ['llm', 'LLM server'],
]
/** Silence this long on an open microphone is worth a warning: the operator may be speaking into another one. */
const QUIET_WARNING_MS = 5000
export const SOFTWARE_RENDERER_FIX =
  'This PC draws without its graphics card: update or enable the GPU driver; the avatar will use more CPU.'

/** The meter's bar: −60 dBFS (empty) to 0 dBFS (full). */
function barWidth(rms: number): string {
  const db = 20 * Math.log10(Math.max(rms, 1e-6))
  return `${Math.round(Math.min(1, Math.max(0, (db + 60) / 60)) * 100)}%`
}

/** The web host runs in some browser: its version belongs with the others. */
function withBrowserVersion(check: DiagnosticCheck): DiagnosticCheck {
  if (check.id !== 'versions' || check.detail.includes('Electron ')) return check
  const chrome = /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1]
  return chrome ? { ...check, detail: `${check.detail} · browser Chromium ${chrome}` } : check
}

/**
 * "Check this kiosk": everything an installer needs to see working, each line pass, warn or fail with a one-line
 * fix. The microphone and camera are open only while the page is: `close()` releases them.
 */
export class DiagnosticsView {
  readonly element: HTMLElement
  private readonly body: HTMLElement
  private readonly list: HTMLUListElement
  private readonly toggle: HTMLButtonElement
  private readonly mainLines = new Map<string, DiagnosticLine>()
  private releases: (() => void)[] = []
  /** Bumped on every open and close, so a late answer for an old opening is dropped. */
  private generation = 0

  constructor(private readonly options: DiagnosticsViewOptions) {
    this.list = h('ul', { class: 'diag__lines' })
    const runAgain = h('button', { type: 'button' }, 'Run again')
    runAgain.addEventListener('click', () => void this.runMainChecks(this.generation))
    this.body = h('div', { class: 'diag__body', hidden: true }, this.list, runAgain)
    this.toggle = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Check this kiosk')
    this.toggle.addEventListener('click', () => (this.isOpen ? this.close() : void this.open()))
    this.element = h(
      'section',
      { class: 'admin-form__section diag', 'aria-label': 'Check this kiosk' },
      this.toggle,
      this.body,
    )
  }

  get isOpen(): boolean {
    return !this.body.hidden
  }

  async open(): Promise<void> {
    this.close()
    const generation = ++this.generation
    this.body.hidden = false
    this.toggle.textContent = 'Close the checks'
    this.toggle.setAttribute('aria-expanded', 'true')
    this.mainLines.clear()
    const lines = [
      this.microphoneLine(generation),
      this.speakerLine(),
      this.webglLine(),
      ...MAIN_CHECKS.map(([id, label]) => {
        const line = new DiagnosticLine(id, label)
        this.mainLines.set(id, line)
        return line
      }),
      this.sayLine(),
    ]
    this.list.replaceChildren(...lines.map((line) => line.element))
    const camera = this.options.cameraEnabled().catch(() => false)
    await Promise.all([
      this.runMainChecks(generation),
      camera.then((on) => {
        if (!on || generation !== this.generation) return
        const line = this.cameraLine(generation)
        lines[1]?.element.after(line.element)
      }),
    ])
  }

  /** Releases the microphone and camera; safe to call when already closed. */
  close(): void {
    this.generation += 1
    for (const release of this.releases.splice(0)) release()
    this.body.hidden = true
    this.toggle.textContent = 'Check this kiosk'
    this.toggle.setAttribute('aria-expanded', 'false')
  }

  private async runMainChecks(generation: number): Promise<void> {
    for (const line of this.mainLines.values()) line.set('pending', '')
    let checks: DiagnosticCheck[]
    try {
      checks = await this.options.runChecks()
    } catch (error) {
      if (generation !== this.generation) return
      for (const line of this.mainLines.values())
        line.set(
          'fail',
          this.options.messageOf(error),
          'Run the checks again; if it persists, restart the kiosk.',
        )
      return
    }
    if (generation !== this.generation) return
    for (const check of checks) {
      let line = this.mainLines.get(check.id)
      if (!line) {
        line = new DiagnosticLine(check.id, check.label)
        this.mainLines.set(check.id, line)
        this.list.lastElementChild?.before(line.element)
      }
      line.show(withBrowserVersion(check))
    }
  }

  private microphoneLine(generation: number): DiagnosticLine {
    const line = new DiagnosticLine('microphone', 'Microphone')
    const bar = h('span', { class: 'diag-meter__bar' })
    line.extra.append(
      h('span', { class: 'diag-meter', role: 'meter', 'aria-label': 'Microphone level' }, bar),
    )
    line.set('pending', 'Listening… say something near the microphone.')
    let heard = false
    startMicMeter((rms) => {
      bar.style.width = barWidth(rms)
      if (heard || rms < HEARD_LEVEL) return
      heard = true
      line.set('pass', 'The microphone hears sound: the bar moves as you speak.')
    }).then(
      (meter) => {
        if (generation !== this.generation) return meter.stop()
        this.releases.push(() => meter.stop())
        const quiet = setTimeout(() => {
          if (!heard)
            line.set(
              'warn',
              'No sound heard yet.',
              'Speak near the microphone; if the bar stays empty, check it is not muted and is the chosen input.',
            )
        }, QUIET_WARNING_MS)
        this.releases.push(() => clearTimeout(quiet))
      },
      (error: unknown) => {
        if (generation !== this.generation) return
        const problem = error instanceof MicrophoneError ? error.problem : 'unavailable'
        const [hint] = MICROPHONE_HINTS[problem].split('. ')
        line.set(
          'fail',
          `${hint}.`,
          problem === 'denied'
            ? 'Allow the microphone for the kiosk in the system’s privacy settings.'
            : 'Connect a microphone and choose it as this computer’s input.',
        )
      },
    )
    return line
  }

  private speakerLine(): DiagnosticLine {
    const line = new DiagnosticLine('speaker', 'Speaker')
    const play = h('button', { type: 'button' }, 'Play a tone')
    const heard = h('button', { type: 'button', hidden: true }, 'I heard it')
    const silent = h('button', { type: 'button', hidden: true }, 'I heard nothing')
    line.set('warn', 'Not tested yet.', 'Press “Play a tone” and say whether you heard it.')
    play.addEventListener('click', () => {
      play.disabled = true
      playChime()
        .then(() => {
          heard.hidden = silent.hidden = false
          line.set('warn', 'Did you hear two notes?', 'Answer below; press “Play a tone” to hear it again.')
        })
        .catch(() => line.set('fail', 'The tone could not be played.', 'Check that a speaker is connected.'))
        .finally(() => (play.disabled = false))
    })
    heard.addEventListener('click', () => line.set('pass', 'The operator heard the tone.'))
    silent.addEventListener('click', () =>
      line.set(
        'fail',
        'The operator heard nothing.',
        'Check the speaker is on and plugged in, the volume, and that it is this computer’s chosen output.',
      ),
    )
    line.extra.append(play, heard, silent)
    return line
  }

  private cameraLine(generation: number): DiagnosticLine {
    const line = new DiagnosticLine('camera', 'Camera')
    const video = h('video', {
      class: 'diag-camera',
      muted: true,
      playsinline: true,
      'aria-label': 'Camera preview',
    })
    line.extra.append(video)
    line.set('pending', 'Opening the camera…')
    startCameraPreview(video).then(
      (stop) => {
        if (generation !== this.generation) return stop()
        this.releases.push(stop)
        line.set('pass', 'The camera shows a picture (shown here only: nothing is stored or sent).')
      },
      (error: unknown) => {
        if (generation !== this.generation) return
        const { detail, fix } = cameraProblem(error)
        line.set('fail', detail, fix)
      },
    )
    return line
  }

  private webglLine(): DiagnosticLine {
    const line = new DiagnosticLine('webgl', 'Graphics (WebGL)')
    const info = readWebglInfo()
    if (!info) {
      line.set(
        'warn',
        'WebGL is not available: the avatar shows without its background keyed out.',
        'Update or enable the graphics driver.',
      )
    } else if (info.software) {
      line.set('warn', `Software renderer: ${info.renderer}`, SOFTWARE_RENDERER_FIX)
    } else {
      line.set('pass', `Renderer: ${info.renderer}`)
    }
    return line
  }

  private sayLine(): DiagnosticLine {
    const line = new DiagnosticLine('say', 'Test sentence')
    const wakeFirst = 'Close this panel and tap the screen to wake the avatar, then try again.'
    const say = this.options.sayTestSentence
    if (!say) {
      line.set('warn', 'Wake the avatar first: this page cannot reach a live avatar.', wakeFirst)
      return line
    }
    line.set('warn', 'Not tried yet.', 'Press “Say a test sentence” and listen to the avatar.')
    const button = h('button', { type: 'button' }, 'Say a test sentence')
    button.addEventListener('click', () => {
      button.disabled = true
      say()
        .then((spoken) =>
          spoken
            ? line.set('pass', 'The avatar is saying the test sentence: check that you hear and see it.')
            : line.set('warn', 'Wake the avatar first: no session is live.', wakeFirst),
        )
        .catch((error: unknown) => line.set('fail', this.options.messageOf(error), wakeFirst))
        .finally(() => (button.disabled = false))
    })
    line.extra.append(button)
    return line
  }
}
