import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { KioskBridge } from '../../../src/shared/bridge-api'
import type { AnswerStreamEvent } from '../../../src/shared/contract'
import type * as VoiceActivityModule from '../../../src/renderer/src/conversation/voice-activity'
import { conversationUnderTest, providerFor } from '../support/conversation-under-test'
import { liteSession } from '../support/fake-avatar-session'

// No microphone or VAD in these tests: the visitor types, or the test streams the answer directly.
vi.mock('../../../src/renderer/src/conversation/voice-activity', async (importOriginal) => ({
  ...(await importOriginal<typeof VoiceActivityModule>()),
  startVoiceFrames: vi.fn(() => Promise.reject(new Error('no VAD in unit tests'))),
}))

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((ok) => (resolve = ok))
  return { promise, resolve }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 8; i += 1) await new Promise((resolve) => setImmediate(resolve))
}

/** The bridge calls the conversation makes, answered by the test; speech synthesis is answered by hand. */
function fakeBridge() {
  const calls: [string, unknown][] = []
  const syntheses: { text: string; requestId: string; reply: ReturnType<typeof deferred<unknown>> }[] = []
  let answerListener: ((event: AnswerStreamEvent) => void) | undefined
  const ok = (value: unknown) => Promise.resolve({ ok: true, value })
  const bridge = {
    askAssistant: (request: unknown) => {
      calls.push(['askAssistant', request])
      return ok(null)
    },
    cancelAnswer: (request: unknown) => {
      calls.push(['cancelAnswer', request])
      return ok(null)
    },
    endConversation: () => ok(null),
    synthesizeSpeech: (request: { text: string; requestId: string }) => {
      calls.push(['synthesizeSpeech', request])
      const reply = deferred<unknown>()
      syntheses.push({ ...request, reply })
      return reply.promise
    },
    onAnswerStream: (listener: (event: AnswerStreamEvent) => void) => {
      answerListener = listener
      return () => undefined
    },
  }
  return {
    bridge: bridge as unknown as KioskBridge,
    calls,
    syntheses,
    /** Main's text-to-speech answers this sentence. */
    speech(text: string) {
      const synthesis = syntheses.find((candidate) => candidate.text === text)
      if (!synthesis) throw new Error(`no synthesis of "${text}"`)
      synthesis.reply.resolve({ ok: true, value: { pcmBase64: `pcm(${text})`, sampleRate: 24_000 } })
    },
    stream(event: AnswerStreamEvent) {
      answerListener?.(event)
    },
    requestsOf(name: string) {
      return calls.filter(([call]) => call === name).map(([, request]) => request)
    },
  }
}

function setup(greeting = '') {
  const bridge = fakeBridge()
  // LITE with the conversation left on "provider": there is no provider LLM, so our own LLM answers.
  const { conversation, lines } = conversationUnderTest(bridge.bridge, {
    provider: providerFor(liteSession().session),
    conversation: { mode: 'provider', greeting, textInput: true },
  })
  return { conversation, bridge, lines }
}

beforeEach(() => {
  vi.stubGlobal('navigator', { mediaDevices: { addEventListener: () => undefined } })
  performance.clearMarks()
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('Conversation on LiveAvatar LITE', () => {
  it('greets through text-to-speech in main and the avatar’s audio input', async () => {
    const { conversation, bridge } = setup('Hello! How can I help?')
    const lite = liteSession()
    await conversation.onLive(lite.session, true)
    expect(bridge.requestsOf('synthesizeSpeech')).toEqual([
      { requestId: expect.stringMatching(/^[a-f0-9]{32}$/), text: 'Hello! How can I help?' },
    ])
    bridge.speech('Hello! How can I help?')
    await flush()
    expect(lite.sent).toEqual(['pcm(Hello! How can I help?)'])
  })

  it('speaks the answer sentence by sentence, the first before the LLM is done, in order and captioned', async () => {
    const { conversation, bridge, lines } = setup()
    const lite = liteSession()
    await conversation.onLive(lite.session, true)
    conversation.submitText('Where is the cafe?')
    const [{ requestId }] = bridge.requestsOf('askAssistant') as [{ requestId: string }]
    bridge.stream({ kind: 'delta', requestId, text: 'The cafe is on the ground floor. It opens' })
    // The first sentence is complete once the next one starts: its speech is already being made.
    expect(bridge.syntheses.map((synthesis) => [synthesis.text, synthesis.requestId])).toEqual([
      ['The cafe is on the ground floor.', requestId],
    ])
    bridge.speech('The cafe is on the ground floor.')
    await flush()
    expect(lite.sent).toEqual(['pcm(The cafe is on the ground floor.)'])
    expect(performance.getEntriesByName('kiosk:audio-sent')).toHaveLength(1)

    bridge.stream({ kind: 'delta', requestId, text: ' at eight. Enjoy your coffee!' })
    bridge.stream({ kind: 'done', requestId, text: '' })
    expect(bridge.syntheses.map((synthesis) => synthesis.text)).toEqual([
      'The cafe is on the ground floor.',
      'It opens at eight.',
      'Enjoy your coffee!',
    ])
    // The third sentence's speech comes back first; it still waits for the second.
    bridge.speech('Enjoy your coffee!')
    await flush()
    expect(lite.sent).toHaveLength(1)
    bridge.speech('It opens at eight.')
    await flush()
    expect(lite.sent).toEqual([
      'pcm(The cafe is on the ground floor.)',
      'pcm(It opens at eight.)',
      'pcm(Enjoy your coffee!)',
    ])
    // No transcript comes back from LITE: each line is captioned as the avatar starts saying it.
    conversation.onSessionEvent('avatarStartTalking', {})
    conversation.onSessionEvent('avatarStartTalking', {})
    expect(lines).toEqual(['The cafe is on the ground floor.', 'It opens at eight.'])
  })

  it('barge-in interrupts the avatar, cancels the answer and its speech, and drops the queued audio', async () => {
    const { conversation, bridge } = setup()
    const lite = liteSession()
    await conversation.onLive(lite.session, true)
    conversation.submitText('Tell me everything.')
    const [{ requestId }] = bridge.requestsOf('askAssistant') as [{ requestId: string }]
    bridge.stream({ kind: 'delta', requestId, text: 'One thing. Another thing. And a third' })
    bridge.speech('One thing.')
    await flush()
    expect(lite.sent).toEqual(['pcm(One thing.)'])

    conversation.tap()
    expect(lite.interrupts()).toBe(1)
    expect(bridge.requestsOf('cancelAnswer')).toContainEqual({ requestId })
    expect(performance.getEntriesByName('kiosk:barge-in')).toHaveLength(1)

    // Speech that was still being made arrives too late, and so does more of the cancelled answer.
    bridge.speech('Another thing.')
    bridge.stream({ kind: 'delta', requestId, text: '. More.' })
    await flush()
    expect(lite.sent).toEqual(['pcm(One thing.)'])
    expect(bridge.syntheses.map((synthesis) => synthesis.text)).toEqual(['One thing.', 'Another thing.'])
  })
})
