import type { KioskBridge } from '../../../shared/bridge-api'
import type { AnswerStreamEvent } from '../../../shared/contract'
import type { Settings } from '../../../shared/settings/schema'
import { call } from '../bridge'
import type { AvatarSession, AvatarSessionEvents } from '../provider/avatar-provider'
import type { ConversationOverlay } from '../stage/conversation-overlay'
import type { MicEvent, VisitorInput } from '../stage/visitor-input'
import {
  classifyMicrophoneError,
  MICROPHONE_HINTS,
  MicrophoneError,
  openMicrophone,
  type MicrophoneProblem,
} from './microphone'
import { effectiveConversationMode, type ConversationMode } from './conversation-mode'
import { SentenceSplitter, warmUpSentenceSplitter } from './sentence-splitter'
import { SpeechPipeline } from './speech-pipeline'
import { SpeechQueue } from './speech-queue'
import { TurnDetector } from './turn-detector'
import { TurnTaking } from './turn-taking'
import {
  MIN_SPEECH_MS,
  PRE_SPEECH_PAD_MS,
  silenceThreshold,
  startVoiceFrames,
  VAD_FRAME_MS,
  type VoiceActivity,
} from './voice-activity'
import { encodeWav, toBase64 } from './wav-encoder'
import type { Log } from '../log'

export interface ConversationDeps {
  bridge: KioskBridge
  overlay: ConversationOverlay
  input: VisitorInput
  /** The visitor is engaged: keep the provider session alive. */
  noteVisitorActivity(): void
  /** The visitor spoke or typed (a tap is not speech): attract mode counts a woken visitor. */
  onVisitorSpoke?(): void
  /** A visitor's question was answered (LLM mode) or handed to the provider's own (provider mode). */
  onAnswered?(): void
  log: Log
}

/** After this long without a word or a tap the visitor has gone: the next one starts a new conversation. */
const VISITOR_GONE_MS = 120_000
/** A silence this long may end the turn: what was said so far is transcribed and an answer prepared. */
const SPECULATE_AFTER_MS = 200

interface Answer {
  requestId: string
  splitter: SentenceSplitter
  /** Prepared during a pause: its sentences wait here until the turn is over. */
  held: boolean
  sentences: string[]
  outcome?: { kind: 'done' } | { kind: 'error'; code: string }
  /** Some of it was handed to the avatar. */
  spoken: boolean
}

function newRequestId(): string {
  return crypto.randomUUID().replaceAll('-', '')
}

function mark(name: string): void {
  performance.mark(name)
}

/**
 * Who answers the visitor, and how. Provider mode: the provider's voice chat and knowledge base (TALK). LLM
 * mode: our microphone and voice-activity detector, speech-to-text and the LLM in main, and the answer spoken
 * sentence by sentence while the rest is still being written: as REPEAT tasks where the avatar speaks text, or
 * (LiveAvatar LITE, which only lip-syncs) as speech synthesised in main and sent as audio. Both allow barge-in.
 *
 * When the visitor's turn is over, and whether an answer is prepared during a pause, is TurnTaking's call
 * (`conversation.turnTaking`); an answer prepared that way is held here, unspoken, until it releases it.
 *
 * Performance marks, for the benches: TurnTaking's (`kiosk:pause`, `kiosk:transcribed`,
 * `kiosk:speculation-dropped`, `kiosk:turn-end`, `kiosk:speech-end`), `kiosk:answer-withdrawn` (an answer begun
 * at a pause stopped because the visitor went on), then per sentence `kiosk:sentence-sent` (handed to the avatar); LITE adds `kiosk:speech-requested` (text to speech asked
 * of main), `kiosk:speech-synthesized` (its audio came back) and `kiosk:audio-sent` (handed to the avatar).
 */
export class Conversation {
  private settings: Settings | undefined
  private session: AvatarSession | undefined
  private avatarTalking = false
  private answer: Answer | undefined
  /** Sentences as text (REPEAT), for avatars that speak text. */
  private readonly queue: SpeechQueue
  /** Sentences as our own speech, for avatars that only speak audio. */
  private readonly audio: SpeechPipeline<string>
  /** LITE: sentences whose audio was sent, captioned as the avatar starts speaking each. */
  private readonly pendingCaptions: string[] = []
  private microphone: { stream: MediaStream; vad: VoiceActivity; detector: TurnDetector } | undefined
  private readonly turns: TurnTaking
  private openingMicrophone: Promise<void> | undefined
  private visitorGoneTimer: ReturnType<typeof setTimeout> | undefined
  private microphoneMuted = false

  constructor(private readonly deps: ConversationDeps) {
    this.queue = new SpeechQueue(
      (sentence) => this.speak(sentence),
      (error) => deps.log('warn', 'a sentence was not accepted by the avatar', { error: String(error) }),
    )
    this.audio = new SpeechPipeline<string>({
      synthesize: (item) => this.synthesize(item.text, item.requestId),
      deliver: (pcm, item) => this.speakAudio(pcm, item.text),
      onError: (error) =>
        deps.log('warn', 'a sentence could not be synthesised or was refused', { error: String(error) }),
      cancel: (requestIds) => {
        for (const requestId of requestIds)
          void call(deps.bridge, 'cancelAnswer', { requestId }).catch(() => undefined)
      },
    })
    this.turns = this.createTurnTaking()
    deps.bridge.onAnswerStream((event) => this.onAnswerStream(event))
    navigator.mediaDevices?.addEventListener?.('devicechange', () => {
      if (this.settings && this.mode() === 'llm' && !this.microphone) void this.ensureMicrophone()
    })
  }

  applySettings(settings: Settings): void {
    this.settings = settings
    this.deps.input.setEnabled(settings.conversation.textInput)
    if (this.mode() === 'provider') void this.closeMicrophone()
  }

  /** Who answers now: the live session's abilities decide where the settings cannot (LiveAvatar LITE). */
  private mode(): ConversationMode {
    if (!this.settings) return 'provider'
    return effectiveConversationMode(this.settings, this.session?.capabilities)
  }

  /** A session went live. `fresh`: a new start, not a reconnect or rotation in the middle of a conversation. */
  async onLive(session: AvatarSession, fresh: boolean): Promise<void> {
    this.session = session
    this.avatarTalking = false
    const settings = this.settings
    if (!settings) return
    if (this.mode() === 'provider') {
      await this.closeMicrophone()
      await this.startProviderVoiceChat(session)
    } else {
      await this.ensureMicrophone()
      warmUpSentenceSplitter(settings.avatar.language)
    }
    if (!this.microphoneMuted) await this.microphone?.vad.resume().catch(() => undefined)
    if (fresh && settings.conversation.greeting) this.say(settings.conversation.greeting)
  }

  onNotLive(ended: boolean): void {
    this.session = undefined
    this.avatarTalking = false
    this.clearSpeech()
    this.cancelAnswer()
    this.stopListening()
    void this.microphone?.vad.pause().catch(() => undefined)
    if (ended) this.endConversation()
  }

  onSessionEvent<Name extends keyof AvatarSessionEvents>(
    name: Name,
    _payload: AvatarSessionEvents[Name],
  ): void {
    if (name === 'avatarStartTalking') {
      this.avatarTalking = true
      // LITE has no transcript of what it says: caption our own sentences, one per utterance it starts.
      const line = this.pendingCaptions.shift()
      if (line !== undefined) this.deps.overlay.showAvatarLine(line)
    }
    if (name === 'avatarStopTalking') this.avatarTalking = false
    if (name === 'userEndMessage' && this.mode() === 'provider') this.deps.onAnswered?.()
    if (name === 'userStart') {
      this.deps.onVisitorSpoke?.()
      this.visitorActive()
      // Provider voice chat: the visitor speaking over the avatar interrupts it.
      if (this.avatarTalking) this.bargeIn('visitor spoke')
    }
  }

  /** A line of our own (attract mode's goodbye), spoken like the greeting. */
  sayLine(text: string): void {
    if (this.session) this.say(text)
  }

  /** The visitor left (attract mode): drop what was said, here and in main; the next one starts afresh. */
  forget(): void {
    this.clearSpeech()
    this.cancelAnswer()
    this.endConversation()
  }

  /** A tap on the stage: interrupt the avatar if it is speaking. */
  tap(): void {
    this.visitorActive()
    this.bargeIn('tap')
  }

  submitText(text: string): void {
    this.deps.onVisitorSpoke?.()
    this.visitorActive()
    this.deps.overlay.showVisitorUtterance(text)
    if (this.mode() === 'llm') {
      this.bargeIn('new question')
      this.ask(text)
    } else {
      const session = this.session
      if (!session) return
      this.bargeIn('new question')
      session.speak(text, { type: 'talk' }).catch((error: unknown) => {
        this.deps.log('warn', 'the avatar did not take the question', { error: String(error) })
      })
    }
  }

  private bargeIn(reason: string): void {
    if (!this.settings?.conversation.bargeIn) return
    const busy = this.avatarTalking || this.answer !== undefined || !this.queue.idle || !this.audio.idle
    if (!busy) return
    this.deps.log('info', 'barge-in', { reason })
    mark('kiosk:barge-in')
    this.cancelAnswer()
    this.clearSpeech()
    this.session
      ?.interrupt()
      .catch((error: unknown) => this.deps.log('warn', 'interrupt failed', { error: String(error) }))
  }

  /** The visitor's microphone button: mute (either mode) or push-to-talk (provider mode on LiveKit). */
  onMicrophoneButton(event: MicEvent): void {
    this.visitorActive()
    if (event.kind === 'push-to-talk') {
      if (event.active) this.bargeIn('visitor holds the talk button')
      this.session?.pushToTalk(event.active).catch((error: unknown) => {
        this.deps.log('warn', 'push-to-talk failed', { error: String(error) })
      })
      return
    }
    this.microphoneMuted = event.muted
    if (this.mode() === 'llm') {
      if (event.muted) this.stopListening()
      void (event.muted ? this.microphone?.vad.pause() : this.microphone?.vad.resume())?.catch(
        () => undefined,
      )
    } else {
      this.session?.setMicrophoneMuted(event.muted)
    }
  }

  private async startProviderVoiceChat(session: AvatarSession): Promise<void> {
    try {
      await session.startVoiceChat({ muted: false })
      this.deps.input.setHint(undefined)
      const pushToTalk = this.settings?.avatar.pushToTalk === true
      this.deps.input.setMicrophoneControl(
        pushToTalk ? 'push-to-talk' : this.settings?.conversation.muteButton ? 'mute' : 'none',
      )
    } catch (error) {
      this.reportMicrophoneProblem(
        error instanceof MicrophoneError ? error.problem : classifyMicrophoneError(error),
        error,
      )
    }
  }

  private ensureMicrophone(): Promise<void> {
    if (this.microphone) return Promise.resolve()
    this.openingMicrophone ??= this.openMicrophone().finally(() => (this.openingMicrophone = undefined))
    return this.openingMicrophone
  }

  private async openMicrophone(): Promise<void> {
    const settings = this.settings
    if (!settings) return
    let stream: MediaStream | undefined
    try {
      stream = await openMicrophone()
      const threshold = settings.conversation.vadThreshold
      const detector = new TurnDetector(
        {
          frameMs: VAD_FRAME_MS,
          speechThreshold: threshold,
          silenceThreshold: silenceThreshold(threshold),
          minSpeechMs: MIN_SPEECH_MS,
          preSpeechPadMs: PRE_SPEECH_PAD_MS,
          endOfTurnMs: settings.conversation.endOfSpeechMs,
          pauseMs: SPECULATE_AFTER_MS,
        },
        this.turns,
      )
      const vad = await startVoiceFrames({
        stream,
        threshold,
        onFrame: (probability, samples) => detector.process(probability, samples),
      })
      this.microphone = { stream, vad, detector }
      this.deps.input.setMicrophoneControl(settings.conversation.muteButton ? 'mute' : 'none')
      for (const track of stream.getAudioTracks()) {
        track.addEventListener('ended', () => {
          void this.closeMicrophone()
          this.reportMicrophoneProblem('unplugged')
        })
      }
      this.deps.input.setHint(undefined)
      this.deps.log('info', 'microphone listening')
    } catch (error) {
      for (const track of stream?.getTracks() ?? []) track.stop()
      this.reportMicrophoneProblem(error instanceof MicrophoneError ? error.problem : 'unavailable', error)
    }
  }

  private async closeMicrophone(): Promise<void> {
    this.stopListening()
    const microphone = this.microphone
    this.microphone = undefined
    if (!microphone) return
    await microphone.vad.destroy().catch(() => undefined)
    for (const track of microphone.stream.getTracks()) track.stop()
  }

  private reportMicrophoneProblem(problem: MicrophoneProblem, error?: unknown): void {
    this.deps.log('warn', 'microphone unavailable; offering touch and text', {
      problem,
      error: error === undefined ? null : String(error),
    })
    this.deps.input.setHint(MICROPHONE_HINTS[problem])
  }

  /** What was being said when the microphone stops is dropped, with anything prepared for it. */
  private stopListening(): void {
    this.microphone?.detector.reset()
    this.turns.reset()
  }

  private createTurnTaking(): TurnTaking {
    return new TurnTaking({
      mode: () => this.settings?.conversation.turnTaking ?? 'patient',
      language: () => this.settings?.avatar.language ?? 'en',
      transcribe: (audio) => this.transcribe(audio),
      speechStarted: () => this.onSpeechStart(),
      turnEnded: () => this.deps.overlay.setListening(false),
      misfire: () => this.deps.overlay.setListening(false),
      answer: (text) => {
        if (!this.session) return
        this.deps.overlay.showVisitorUtterance(text)
        this.ask(text)
      },
      prepare: (audio) => {
        const requestId = this.openAnswer({ held: true })
        return { requestId, transcript: this.transcribe(audio, requestId) }
      },
      speak: (requestId, text) => {
        const answer = this.answer
        if (!this.session || answer?.requestId !== requestId) return
        this.deps.overlay.showVisitorUtterance(text)
        answer.held = false
        this.release(answer)
      },
      // Main ignores a commit for an answer it no longer has (replaced or cancelled since).
      confirm: (requestId) =>
        void call(this.deps.bridge, 'commitAnswer', { requestId }).catch(() => undefined),
      discard: (requestId) => this.discard(requestId),
      transcriptionFailed: (error) => {
        this.deps.log('warn', 'transcription failed; saying the fallback line', { error: String(error) })
        this.sayFallback()
      },
    })
  }

  private onSpeechStart(): void {
    if (!this.session) return
    this.deps.onVisitorSpoke?.()
    this.visitorActive()
    this.deps.overlay.setListening(true)
    this.bargeIn('visitor spoke')
  }

  /** `answerId`: main starts a speculative answer on the transcript under this id (see `openAnswer`). */
  private async transcribe(samples: Float32Array, answerId?: string): Promise<string> {
    if (!this.session) throw new Error('no live session')
    const audioBase64 = toBase64(encodeWav(samples))
    mark('kiosk:transcription-requested')
    const { text } = await call(this.deps.bridge, 'transcribe', {
      audioBase64,
      format: 'wav',
      ...(answerId === undefined ? {} : { answer: { requestId: answerId } }),
    })
    return text
  }

  /**
   * Makes a new answer the current one, ready for its stream, and returns its id; the question is asked
   * separately. `held`: prepared during a pause, silent until the turn is over.
   */
  private openAnswer({ held }: { held: boolean }): string {
    this.cancelAnswer()
    const requestId = newRequestId()
    const firstUnit = this.settings?.conversation.turnTaking === 'patient' ? 'sentence' : 'clause'
    this.answer = {
      requestId,
      splitter: new SentenceSplitter(this.settings?.avatar.language ?? 'en', { firstUnit }),
      held,
      sentences: [],
      spoken: false,
    }
    this.deps.noteVisitorActivity()
    return requestId
  }

  private ask(text: string): void {
    const requestId = this.openAnswer({ held: false })
    call(this.deps.bridge, 'askAssistant', { requestId, text }).catch((error: unknown) => {
      const answer = this.answer
      if (answer?.requestId !== requestId) return
      this.deps.log('warn', 'the question was not accepted; saying the fallback line', {
        error: String(error),
      })
      answer.outcome = { kind: 'error', code: 'not-accepted' }
      this.release(answer)
    })
  }

  private onAnswerStream(event: AnswerStreamEvent): void {
    const answer = this.answer
    if (!answer || event.requestId !== answer.requestId) return
    if (event.kind === 'delta') {
      answer.sentences.push(...answer.splitter.push(event.text))
    } else if (event.kind === 'done') {
      answer.sentences.push(...answer.splitter.flush())
      answer.outcome = { kind: 'done' }
    } else {
      answer.outcome = { kind: 'error', code: event.error.code }
    }
    this.release(answer)
  }

  /** Hands what is ready of an answer to the avatar, unless it is held; then ends it if it is complete. */
  private release(answer: Answer): void {
    if (answer.held) return
    for (const sentence of answer.sentences.splice(0)) {
      answer.spoken = true
      this.say(sentence, answer.requestId)
    }
    const outcome = answer.outcome
    if (!outcome) return
    if (this.answer === answer) this.answer = undefined
    if (outcome.kind === 'done') {
      this.deps.onAnswered?.()
      return
    }
    if (outcome.code !== 'not-accepted')
      this.deps.log('warn', 'the answer failed; saying the fallback line', { code: outcome.code })
    this.sayFallback()
  }

  /** A prepared answer the visitor talked on over: cancel it, and stop whatever of it the avatar began. */
  private discard(requestId: string): void {
    const answer = this.answer
    if (answer?.requestId !== requestId) return
    const spoken = answer.spoken || !answer.held
    this.cancelAnswer()
    if (!spoken) return
    mark('kiosk:answer-withdrawn')
    this.deps.log('info', 'the visitor went on; withdrawing the answer begun at the pause')
    this.clearSpeech()
    this.session
      ?.interrupt()
      .catch((error: unknown) => this.deps.log('warn', 'interrupt failed', { error: String(error) }))
  }

  private cancelAnswer(): void {
    const answer = this.answer
    this.answer = undefined
    if (answer)
      void call(this.deps.bridge, 'cancelAnswer', { requestId: answer.requestId }).catch(() => undefined)
  }

  private sayFallback(): void {
    const line = this.settings?.conversation.fallbackLine
    if (line && this.session) this.say(line)
  }

  /**
   * One sentence for the avatar, in order: as text where it speaks text, else as our own speech. `requestId`
   * ties it to its answer, so barge-in cancels its synthesis with the answer; lines of our own get their own id.
   */
  private say(sentence: string, requestId = newRequestId()): void {
    if (this.speaksAudioOnly()) this.audio.enqueue(sentence, requestId)
    else this.queue.enqueue(sentence)
  }

  private speaksAudioOnly(): boolean {
    const capabilities = this.session?.capabilities
    return capabilities !== undefined && capabilities.speaksAudio && !capabilities.speaksText
  }

  private clearSpeech(): void {
    this.queue.clear()
    this.audio.clear()
    this.pendingCaptions.length = 0
  }

  private async speak(sentence: string): Promise<void> {
    const session = this.session
    if (!session) throw new Error('no live session')
    mark('kiosk:sentence-sent')
    await session.speak(sentence, { type: 'repeat', async: true })
  }

  private async synthesize(sentence: string, requestId: string): Promise<string> {
    mark('kiosk:speech-requested')
    const speech = await call(this.deps.bridge, 'synthesizeSpeech', { requestId, text: sentence })
    mark('kiosk:speech-synthesized')
    return speech.pcmBase64
  }

  private async speakAudio(pcmBase64: string, sentence: string): Promise<void> {
    const session = this.session
    if (!session) throw new Error('no live session')
    mark('kiosk:sentence-sent')
    mark('kiosk:audio-sent')
    await session.speakAudio(pcmBase64)
    this.pendingCaptions.push(sentence)
  }

  private visitorActive(): void {
    this.deps.noteVisitorActivity()
    clearTimeout(this.visitorGoneTimer)
    this.visitorGoneTimer = setTimeout(() => this.endConversation(), VISITOR_GONE_MS)
  }

  private endConversation(): void {
    clearTimeout(this.visitorGoneTimer)
    void call(this.deps.bridge, 'endConversation').catch(() => undefined)
  }
}
