import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { KioskBridge } from '../../../src/shared/bridge-api'
import type { AnswerStreamEvent } from '../../../src/shared/contract'
import type { AvatarSession } from '../../../src/renderer/src/provider/avatar-provider'
import type * as VoiceActivityModule from '../../../src/renderer/src/conversation/voice-activity'
import { conversationUnderTest, providerFor } from '../support/conversation-under-test'
import { liteSession, textSession } from '../support/fake-avatar-session'

/**
 * Turn taking on fake time: the test plays the voice-activity detector, one scored 96 ms frame at a time, so
 * "200 ms of silence" is two frames, "the full 700 ms" is seven, and 500 ms more for an unfinished turn six. Transcription and answers are answered by
 * hand, so each test decides what arrives before what.
 */
const frames = vi.hoisted(() => ({
  onFrame: undefined as ((probability: number, samples: Float32Array) => void) | undefined,
}))
vi.mock('../../../src/renderer/src/conversation/voice-activity', async (importOriginal) => ({
  ...(await importOriginal<typeof VoiceActivityModule>()),
  startVoiceFrames: vi.fn(
    async (options: { onFrame: (probability: number, samples: Float32Array) => void }) => {
      frames.onFrame = options.onFrame
      return { pause: async () => undefined, resume: async () => undefined, destroy: async () => undefined }
    },
  ),
}))

const FRAME_SAMPLES = 1536

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((ok) => (resolve = ok))
  return { promise, resolve }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 8; i += 1) await new Promise((resolve) => setImmediate(resolve))
}

function fakeBridge() {
  const calls: [string, unknown][] = []
  const transcriptions: {
    samples: number
    /** The speculative answer main is to start on the transcript. */
    answerId: string | undefined
    reply: ReturnType<typeof deferred<unknown>>
  }[] = []
  const syntheses: string[] = []
  let answerListener: ((event: AnswerStreamEvent) => void) | undefined
  const ok = (value: unknown) => Promise.resolve({ ok: true, value })
  const record = (name: string) => (request: unknown) => {
    calls.push([name, request])
    return ok(null)
  }
  const bridge = {
    askAssistant: record('askAssistant'),
    cancelAnswer: record('cancelAnswer'),
    commitAnswer: record('commitAnswer'),
    endConversation: () => ok(null),
    transcribe: (request: { audioBase64: string; answer?: { requestId: string } }) => {
      calls.push(['transcribe', request.answer ?? null])
      const reply = deferred<unknown>()
      // 16-bit mono WAV with a 44-byte header: samples from the base64 length.
      const bytes = (request.audioBase64.length * 3) / 4 - (request.audioBase64.match(/=+$/)?.[0].length ?? 0)
      transcriptions.push({ samples: (bytes - 44) / 2, answerId: request.answer?.requestId, reply })
      return reply.promise
    },
    synthesizeSpeech: (request: { text: string }) => {
      syntheses.push(request.text)
      return new Promise(() => undefined)
    },
    onAnswerStream: (listener: (event: AnswerStreamEvent) => void) => {
      answerListener = listener
      return () => undefined
    },
  }
  return {
    bridge: bridge as unknown as KioskBridge,
    transcriptions,
    syntheses,
    /**
     * Answers the n-th transcription (0-based) with this text; as main does, one that names an answer starts it
     * on a non-empty transcript before replying (recorded as `chainedAsk`).
     */
    async transcribed(index: number, text: string) {
      const transcription = transcriptions[index]
      if (!transcription) throw new Error(`no transcription #${index}`)
      const cancelled = calls.some(
        ([call, request]) =>
          call === 'cancelAnswer' && (request as { requestId: string }).requestId === transcription.answerId,
      )
      if (cancelled) {
        // Main aborted it when the page cancelled its answer.
        transcription.reply.resolve({ ok: false, error: { code: 'cancelled', message: 'cancelled' } })
      } else {
        if (transcription.answerId !== undefined && text.trim())
          calls.push(['chainedAsk', { requestId: transcription.answerId, text, speculative: true }])
        transcription.reply.resolve({ ok: true, value: { text } })
      }
      await flush()
    },
    stream(event: AnswerStreamEvent) {
      answerListener?.(event)
    },
    /** `ask`: both kinds of answer start, `askAssistant` and `chainedAsk`. */
    requestsOf(name: string) {
      return calls
        .filter(
          ([call]) => call === name || (name === 'ask' && (call === 'askAssistant' || call === 'chainedAsk')),
        )
        .map(([, request]) => request)
    },
  }
}

async function setup(
  turnTaking: 'patient' | 'speculative' | 'quick',
  avatar: { session: AvatarSession; repeats: string[]; interrupts(): number } = textSession(),
) {
  const bridge = fakeBridge()
  const { conversation, shown } = conversationUnderTest(bridge.bridge, {
    provider: providerFor(avatar.session),
    conversation: { mode: 'llm', greeting: '', turnTaking },
  })
  await conversation.onLive(avatar.session, true)
  if (!frames.onFrame) throw new Error('the conversation did not open the microphone')
  const onFrame = frames.onFrame
  const play = (probability: number, count: number) => {
    for (let i = 0; i < count; i += 1) onFrame(probability, new Float32Array(FRAME_SAMPLES).fill(0.1))
  }
  return {
    conversation,
    bridge,
    shown,
    avatar,
    speech: (count: number) => play(0.95, count),
    silence: (count: number) => play(0.02, count),
  }
}

/** The answers asked, in order: by the page (`askAssistant`), or by main on a pause's transcript. */
const asks = (bridge: ReturnType<typeof fakeBridge>) =>
  bridge.requestsOf('ask') as { requestId: string; text: string; speculative?: boolean }[]

beforeEach(() => {
  frames.onFrame = undefined
  vi.stubGlobal('navigator', {
    mediaDevices: {
      addEventListener: () => undefined,
      getUserMedia: async () => ({ getAudioTracks: () => [], getTracks: () => [] }),
    },
  })
  performance.clearMarks()
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('going live in LLM mode', () => {
  // First in this file: the warm-up is once per page (module) and language.
  it('loads the sentence segmenter at once, not when the first answer comes', async () => {
    const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment')
    try {
      await setup('quick')
      expect(segment).toHaveBeenCalled()
    } finally {
      vi.restoreAllMocks()
    }
  })
})

describe('turn taking: patient (the pipeline before speculation)', () => {
  it('transcribes only after the full silence, then asks without speculation', async () => {
    const kiosk = await setup('patient')
    kiosk.speech(8)
    kiosk.silence(6)
    expect(kiosk.bridge.transcriptions).toHaveLength(0)
    kiosk.silence(1)
    await flush()
    expect(kiosk.bridge.transcriptions).toHaveLength(1)
    await kiosk.bridge.transcribed(0, 'Where can I get breakfast?')
    expect(asks(kiosk.bridge)).toEqual([
      { requestId: expect.any(String), text: 'Where can I get breakfast?' },
    ])
  })
})

describe('turn taking: speculative', () => {
  it('transcribes at a 200 ms pause, prepares the answer, and says nothing until the full silence', async () => {
    const kiosk = await setup('speculative')
    kiosk.speech(8)
    kiosk.silence(2)
    await flush()
    expect(kiosk.bridge.transcriptions).toHaveLength(1)
    // The pause's audio: 8 frames of speech and 2 of silence (no padding: speech came first).
    expect(kiosk.bridge.transcriptions[0]?.samples).toBe(10 * FRAME_SAMPLES)
    await kiosk.bridge.transcribed(0, 'Where can I get breakfast?')
    const [ask] = asks(kiosk.bridge)
    expect(ask).toEqual({
      requestId: expect.any(String),
      text: 'Where can I get breakfast?',
      speculative: true,
    })
    // Main started it on the transcript, under the id the page sent with the audio: no askAssistant round trip.
    expect(kiosk.bridge.requestsOf('transcribe')).toEqual([{ requestId: ask!.requestId }])
    expect(kiosk.bridge.requestsOf('askAssistant')).toEqual([])
    kiosk.bridge.stream({ kind: 'delta', requestId: ask!.requestId, text: 'Breakfast is in the garden. It ' })
    kiosk.bridge.stream({ kind: 'delta', requestId: ask!.requestId, text: 'opens at seven.' })
    kiosk.bridge.stream({ kind: 'done', requestId: ask!.requestId, text: '' })
    kiosk.silence(4)
    await flush()
    expect(kiosk.avatar.repeats).toEqual([])
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([])
    expect(kiosk.shown).toEqual([])
    kiosk.silence(1)
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['Breakfast is in the garden.', 'It opens at seven.'])
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([{ requestId: ask!.requestId }])
    expect(kiosk.shown).toEqual(['Where can I get breakfast?'])
    // Nothing transcribed twice: the pause's transcript was the turn's.
    expect(kiosk.bridge.transcriptions).toHaveLength(1)
  })

  it('drops a speculative transcript that comes back after the visitor went on', async () => {
    const kiosk = await setup('speculative')
    kiosk.speech(6)
    kiosk.silence(3)
    kiosk.speech(5)
    // Going on cancels the answer main was to start on the pause's transcript, and so that transcription.
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toEqual([
      { requestId: kiosk.bridge.transcriptions[0]?.answerId },
    ])
    await kiosk.bridge.transcribed(0, "I'd like to know.")
    expect(asks(kiosk.bridge)).toEqual([])
    expect(performance.getEntriesByName('kiosk:speculation-dropped')).toHaveLength(1)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(1, "I'd like to know where the cafe is.")
    kiosk.silence(5)
    await flush()
    expect(asks(kiosk.bridge).map((ask) => ask.text)).toEqual(["I'd like to know where the cafe is."])
    expect(kiosk.shown).toEqual(["I'd like to know where the cafe is."])
  })

  it('cancels the speculative answer at the first frame of speech after the pause, before any REPEAT', async () => {
    const kiosk = await setup('speculative')
    kiosk.speech(6)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(0, "I'd like to know.")
    const [speculative] = asks(kiosk.bridge)
    expect(speculative?.speculative).toBe(true)
    kiosk.bridge.stream({ kind: 'delta', requestId: speculative!.requestId, text: 'Of course. What would ' })
    kiosk.silence(2)
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toEqual([])
    kiosk.speech(1)
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toEqual([{ requestId: speculative!.requestId }])
    // Its later deltas are ignored; the avatar never heard of it.
    kiosk.bridge.stream({ kind: 'delta', requestId: speculative!.requestId, text: 'you like to know? ' })
    kiosk.bridge.stream({ kind: 'done', requestId: speculative!.requestId, text: '' })
    kiosk.speech(4)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(1, "I'd like to know where the cafe is.")
    const second = asks(kiosk.bridge)[1]!
    kiosk.bridge.stream({ kind: 'delta', requestId: second.requestId, text: 'The cafe is on the left.' })
    kiosk.bridge.stream({ kind: 'done', requestId: second.requestId, text: '' })
    kiosk.silence(5)
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['The cafe is on the left.'])
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([{ requestId: second.requestId }])
  })

  it('waits past the full silence for a pause transcript still on its way, and ends at once when it is whole', async () => {
    const kiosk = await setup('speculative')
    kiosk.speech(8)
    kiosk.silence(7)
    await flush()
    expect(performance.getEntriesByName('kiosk:speech-end')).toHaveLength(0)
    await kiosk.bridge.transcribed(0, 'Where can I get breakfast?')
    const [ask] = asks(kiosk.bridge)
    kiosk.bridge.stream({ kind: 'delta', requestId: ask!.requestId, text: 'In the garden. It' })
    await flush()
    expect(kiosk.avatar.repeats).toEqual([])
    kiosk.silence(1)
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['In the garden.'])
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([{ requestId: ask!.requestId }])
    expect(kiosk.bridge.transcriptions).toHaveLength(1)
  })

  it('after a failed or empty pause transcript, drops its answer slot and transcribes the whole turn at the end', async () => {
    const kiosk = await setup('speculative')
    kiosk.speech(8)
    kiosk.silence(2)
    const failed = kiosk.bridge.transcriptions[0]!
    failed.reply.resolve({ ok: false, error: { code: 'llm-error', message: 'STT down' } })
    await flush()
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toEqual([{ requestId: failed.answerId }])
    kiosk.silence(5)
    await flush()
    // The end-of-turn transcription names no answer: the page asks once it has the text.
    expect(kiosk.bridge.requestsOf('transcribe')).toEqual([{ requestId: failed.answerId }, null])
    await kiosk.bridge.transcribed(1, 'Where can I get breakfast?')
    expect(kiosk.bridge.requestsOf('askAssistant')).toEqual([
      { requestId: expect.any(String), text: 'Where can I get breakfast?' },
    ])
    expect(kiosk.shown).toEqual(['Where can I get breakfast?'])

    kiosk.speech(8)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(2, '')
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toContainEqual({
      requestId: kiosk.bridge.transcriptions[2]!.answerId,
    })
    expect(asks(kiosk.bridge)).toHaveLength(1)
  })
})

describe('turn taking: quick', () => {
  it('answers a plainly complete question at the pause, and confirms it to main after the full silence', async () => {
    const kiosk = await setup('quick')
    kiosk.speech(8)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(0, 'Where can I get breakfast?')
    const [ask] = asks(kiosk.bridge)
    expect(ask?.speculative).toBe(true)
    expect(kiosk.shown).toEqual(['Where can I get breakfast?'])
    kiosk.bridge.stream({ kind: 'delta', requestId: ask!.requestId, text: 'Breakfast is in the garden. It' })
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['Breakfast is in the garden.'])
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([])
    kiosk.silence(5)
    await flush()
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([{ requestId: ask!.requestId }])
    expect(kiosk.bridge.transcriptions).toHaveLength(1)
  })

  it('holds a fragment ("I’d like to know.") 500 ms past the full silence, then answers it', async () => {
    const kiosk = await setup('quick')
    kiosk.speech(6)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(0, "I'd like to know.")
    const [ask] = asks(kiosk.bridge)
    kiosk.bridge.stream({
      kind: 'delta',
      requestId: ask!.requestId,
      text: 'Sure. What would you like to know? ',
    })
    await flush()
    expect(kiosk.avatar.repeats).toEqual([])
    // The full 700 ms (7 frames), then 500 ms more: 6 frames, rounded up.
    kiosk.silence(5 + 5)
    await flush()
    expect(kiosk.avatar.repeats).toEqual([])
    expect(performance.getEntriesByName('kiosk:speech-end')).toHaveLength(0)
    kiosk.silence(1)
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['Sure.', 'What would you like to know?'])
  })

  it('answers a question paused in for 600 ms once, whole, though the fading voice made the pause look longer', async () => {
    const kiosk = await setup('quick')
    kiosk.speech(6)
    // "What time does…": the voice fades (frames between the thresholds count as silence for a pause) ...
    kiosk.silence(2)
    await kiosk.bridge.transcribed(0, 'What time does.')
    const [fragment] = asks(kiosk.bridge)
    // ... then the full 700 ms of silence; the transcript sounds unfinished, so the turn stays open.
    kiosk.silence(6)
    await flush()
    expect(performance.getEntriesByName('kiosk:speech-end')).toHaveLength(0)
    expect(kiosk.bridge.transcriptions).toHaveLength(1)
    kiosk.speech(5)
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toEqual([{ requestId: fragment!.requestId }])
    kiosk.silence(2)
    await kiosk.bridge.transcribed(1, 'What time does breakfast end?')
    const whole = asks(kiosk.bridge)[1]!
    expect(whole.text).toBe('What time does breakfast end?')
    kiosk.bridge.stream({ kind: 'delta', requestId: whole.requestId, text: 'Breakfast ends at ten. It' })
    kiosk.silence(5)
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['Breakfast ends at ten.'])
    expect(kiosk.shown).toEqual(['What time does breakfast end?'])
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([{ requestId: whole.requestId }])
  })

  it('withdraws an answer begun at the pause when the visitor goes on before the full silence', async () => {
    const kiosk = await setup('quick')
    kiosk.speech(8)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(0, 'Where is the cafe?')
    const [ask] = asks(kiosk.bridge)
    kiosk.bridge.stream({ kind: 'delta', requestId: ask!.requestId, text: 'The cafe is on the left. It' })
    await flush()
    expect(kiosk.avatar.repeats).toEqual(['The cafe is on the left.'])
    kiosk.silence(1)
    kiosk.speech(1)
    expect(kiosk.bridge.requestsOf('cancelAnswer')).toEqual([{ requestId: ask!.requestId }])
    await flush()
    expect(kiosk.avatar.interrupts()).toBe(1)
    expect(kiosk.bridge.requestsOf('commitAnswer')).toEqual([])
    expect(performance.getEntriesByName('kiosk:answer-withdrawn')).toHaveLength(1)
  })

  it('on LiveAvatar LITE, synthesises no speech for a held answer before the turn is over', async () => {
    const kiosk = await setup('quick', liteSession())
    kiosk.speech(6)
    kiosk.silence(2)
    await kiosk.bridge.transcribed(0, 'I need to.')
    const [ask] = asks(kiosk.bridge)
    kiosk.bridge.stream({
      kind: 'delta',
      requestId: ask!.requestId,
      text: 'Happy to help. What do you need? ',
    })
    await flush()
    expect(kiosk.bridge.syntheses).toEqual([])
    kiosk.silence(5 + 5)
    await flush()
    expect(kiosk.bridge.syntheses).toEqual([])
    kiosk.silence(1)
    await flush()
    expect(kiosk.bridge.syntheses).toEqual(['Happy to help.', 'What do you need?'])
  })
})
