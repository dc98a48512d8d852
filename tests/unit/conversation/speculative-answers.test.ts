import { describe, expect, it, vi } from 'vitest'
import type { AnswerStreamEvent } from '../../../src/shared/contract'
import type { FakeChatMessage } from '../../support/fake-openai'
import { ANSWER, QUESTION, SYSTEM, useConversationHarness, type Harness } from './conversation-harness'
import { makeWav } from './wav-fixture'

/**
 * Speculative answers (askAssistant with `speculative: true`, then commitAnswer or cancelAnswer), through the
 * real bridge, conversation service and usage ledger against the fake OpenAI server.
 */

const { setUp } = useConversationHarness()

const textOf = (events: AnswerStreamEvent[]) =>
  events.map((event) => (event.kind === 'delta' ? event.text : '')).join('')

/** The user and assistant messages of a chat request, without the system prompt. */
const dialogue = (messages: FakeChatMessage[] | undefined) =>
  (messages ?? []).filter((message) => message.role !== 'system')

const speculativeCounts = ({ services }: Harness) => {
  const { speculativeAnswers, speculativeDiscarded } = services.usage.report(1).totals
  return { speculativeAnswers, speculativeDiscarded }
}

/** Waits until the fake server saw the chat request number `index` closed early; returns how long that took. */
async function closedWithin(kiosk: Harness, index: number, since: number): Promise<number> {
  await vi.waitFor(() => expect(kiosk.fake.requests[index]?.closedBeforeEnd).toBe(true), {
    timeout: 5000,
    interval: 5,
  })
  return performance.now() - since
}

describe('speculative answers', () => {
  it('stream like any answer; committed after done, the turn is in the history the next question gets', async () => {
    const kiosk = await setUp()
    const { call, settled, fake, services } = kiosk
    expect(
      await call('askAssistant', { requestId: 'spec-0001', text: 'When do you open?', speculative: true }),
    ).toEqual({ ok: true, value: null })
    const stream = await settled('spec-0001')
    expect(stream.at(-1)).toEqual({ kind: 'done', requestId: 'spec-0001', text: ANSWER })
    expect(textOf(stream)).toBe(ANSWER)
    // Finished but not committed: waiting, and not yet part of the history's answers.
    expect(services.conversation.uncommittedAnswer('window:1')).toBe('spec-0001')

    expect(await call('commitAnswer', { requestId: 'spec-0001' })).toEqual({ ok: true, value: null })
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    expect(services.conversation.historyLength('window:1')).toBe(1)

    await call('askAssistant', { requestId: 'next-0001', text: 'And the café?' })
    await settled('next-0001')
    expect(fake.chatMessages()[1]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'When do you open?' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'And the café?' },
    ])
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 0 })
  })

  it('committed while still streaming, it becomes an ordinary answer: done records it, a barge-in keeps what was said', async () => {
    const kiosk = await setUp({}, { tokensPerSecond: 8 })
    const { call, of, settled, fake, services } = kiosk
    await call('askAssistant', { requestId: 'spec-0002', text: 'First?', speculative: true })
    await vi.waitFor(() => expect(of('spec-0002').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 })
    await call('commitAnswer', { requestId: 'spec-0002' })
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    expect(services.conversation.activeAnswer('window:1')).toBe('spec-0002')
    // The visitor interrupts the avatar: an ordinary barge-in, not a discard.
    await call('cancelAnswer', { requestId: 'spec-0002' })
    const heard = textOf(of('spec-0002'))
    expect(heard.length).toBeGreaterThan(0)
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })

    fake.setOptions({ tokensPerSecond: 200 })
    await call('askAssistant', { requestId: 'next-0002', text: 'Second?' })
    await settled('next-0002')
    expect(dialogue(fake.chatMessages()[1])).toEqual([
      { role: 'user', content: 'First?' },
      { role: 'assistant', content: heard },
      { role: 'user', content: 'Second?' },
    ])
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 0 })

    // Committed before it finished, it is in the history once done, without another commit.
    await call('askAssistant', { requestId: 'spec-0003', text: 'Third?', speculative: true })
    await call('commitAnswer', { requestId: 'spec-0003' })
    expect((await settled('spec-0003')).at(-1)).toMatchObject({ kind: 'done' })
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    await call('askAssistant', { requestId: 'next-0003', text: 'Fourth?' })
    await settled('next-0003')
    expect(dialogue(fake.chatMessages()[3]).slice(-3)).toEqual([
      { role: 'user', content: 'Third?' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'Fourth?' },
    ])
  })

  it('cancelled while streaming: the LLM request is closed at once, and the turn is gone from the history', async () => {
    const kiosk = await setUp()
    const { call, of, settled, fake, services, log } = kiosk
    await call('askAssistant', { requestId: 'prev-0001', text: 'Earlier question?' })
    await settled('prev-0001')
    fake.setOptions({ tokensPerSecond: 8 })

    await call('askAssistant', { requestId: 'spec-0004', text: 'When do', speculative: true })
    await vi.waitFor(() => expect(of('spec-0004').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 })
    expect(services.conversation.historyLength('window:1')).toBe(2)
    const cancelled = performance.now()
    expect(await call('cancelAnswer', { requestId: 'spec-0004' })).toEqual({ ok: true, value: null })
    // Withdrawn by the cancel itself, not later when the stream winds down.
    expect(services.conversation.historyLength('window:1')).toBe(1)
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    expect(await closedWithin(kiosk, 1, cancelled)).toBeLessThan(1000)
    const count = of('spec-0004').length
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(of('spec-0004')).toHaveLength(count)
    expect(of('spec-0004').every((event) => event.kind === 'delta')).toBe(true)
    // A commit that comes too late changes nothing.
    await call('commitAnswer', { requestId: 'spec-0004' })
    expect(services.conversation.historyLength('window:1')).toBe(1)

    fake.setOptions({ tokensPerSecond: 200 })
    await call('askAssistant', { requestId: 'next-0004', text: 'When do you open on Sundays?' })
    await settled('next-0004')
    expect(dialogue(fake.chatMessages()[2])).toEqual([
      { role: 'user', content: 'Earlier question?' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'When do you open on Sundays?' },
    ])
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 1 })
    expect(log()).toMatch(/answer discarded \(speculative\).*spec-0004.*cancelled/)
    expect(log()).not.toMatch(/answer cancelled.*spec-0004/)
    expect(log()).not.toContain('When do')
  })

  it('cancelled after it finished (done, not yet committed): still taken out of the history and counted', async () => {
    const kiosk = await setUp()
    const { call, settled, fake, services, log } = kiosk
    await call('askAssistant', { requestId: 'spec-0005', text: 'Where is', speculative: true })
    expect((await settled('spec-0005')).at(-1)).toMatchObject({ kind: 'done', text: ANSWER })
    expect(fake.requests[0]?.closedBeforeEnd).toBe(false)
    expect(services.conversation.historyLength('window:1')).toBe(1)
    await call('cancelAnswer', { requestId: 'spec-0005' })
    expect(services.conversation.historyLength('window:1')).toBe(0)
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    await call('commitAnswer', { requestId: 'spec-0005' })
    expect(services.conversation.historyLength('window:1')).toBe(0)

    await call('askAssistant', { requestId: 'next-0005', text: 'Where is the cloakroom?' })
    await settled('next-0005')
    expect(fake.chatMessages()[1]).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Where is the cloakroom?' },
    ])
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 1 })
    expect(log()).toMatch(/answer discarded \(speculative\).*spec-0005/)
    expect(log()).not.toContain('café is on the first floor')
  })

  it('superseded by a newer question (speculative or not), it is discarded and never sent again', async () => {
    const kiosk = await setUp({}, { tokensPerSecond: 8 })
    const { call, of, settled, fake, services } = kiosk
    await call('askAssistant', { requestId: 'spec-0006', text: 'Is the', speculative: true })
    await vi.waitFor(() => expect(of('spec-0006').length).toBeGreaterThanOrEqual(1), { timeout: 10_000 })
    const superseded = performance.now()
    // The visitor went on; the page asks again on the longer transcript, speculatively again.
    await call('askAssistant', { requestId: 'spec-0007', text: 'Is the museum', speculative: true })
    expect(await closedWithin(kiosk, 0, superseded)).toBeLessThan(1000)
    // The fake fixes a request's pace when it arrives: the second one is slow too, the third fast.
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2), { timeout: 5000 })
    fake.setOptions({ tokensPerSecond: 200 })
    // ...and once more, now with the turn confirmed over: an ordinary question.
    const supersededAgain = performance.now()
    await call('askAssistant', { requestId: 'real-0008', text: 'Is the museum open today?' })
    expect(await closedWithin(kiosk, 1, supersededAgain)).toBeLessThan(1000)
    await settled('real-0008')

    expect(fake.chatMessages().map(dialogue)).toEqual([
      [{ role: 'user', content: 'Is the' }],
      [{ role: 'user', content: 'Is the museum' }],
      [{ role: 'user', content: 'Is the museum open today?' }],
    ])
    expect(of('spec-0006').every((event) => event.kind === 'delta')).toBe(true)
    expect(of('spec-0007').every((event) => event.kind === 'delta')).toBe(true)
    expect(services.conversation.historyLength('window:1')).toBe(1)
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 2, speculativeDiscarded: 2 })
  })

  it('a finished speculative answer superseded by the next question is discarded as well', async () => {
    const kiosk = await setUp()
    const { call, settled, fake } = kiosk
    await call('askAssistant', { requestId: 'spec-0009', text: 'Can I', speculative: true })
    await settled('spec-0009')
    await call('askAssistant', { requestId: 'real-0010', text: 'Can I take photos?' })
    await settled('real-0010')
    expect(dialogue(fake.chatMessages()[1])).toEqual([{ role: 'user', content: 'Can I take photos?' }])
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 1 })
  })

  it('keeps the older turns a discarded speculative question pushed out of the history budget', async () => {
    // 100 tokens: two short turns fit, but not beside a long speculative transcript (about 80 tokens).
    const kiosk = await setUp({ llm: { maxHistoryTokens: 100 } })
    const { call, settled, fake, services } = kiosk
    await call('askAssistant', { requestId: 'turn-0001', text: 'One?' })
    await settled('turn-0001')
    await call('commitAnswer', { requestId: 'turn-0001' }) // an ordinary answer: a no-op
    const long = `So ${'and then the other thing '.repeat(12)}`.trim()
    await call('askAssistant', { requestId: 'spec-0011', text: long, speculative: true })
    await settled('spec-0011')
    expect(dialogue(fake.chatMessages()[1])).toEqual([{ role: 'user', content: long }])
    await call('cancelAnswer', { requestId: 'spec-0011' })
    await call('askAssistant', { requestId: 'turn-0002', text: 'Two?' })
    await settled('turn-0002')
    expect(dialogue(fake.chatMessages()[2])).toEqual([
      { role: 'user', content: 'One?' },
      { role: 'assistant', content: ANSWER },
      { role: 'user', content: 'Two?' },
    ])
    // Committed, the long question does push the older turns out, as an ordinary one would have.
    await call('askAssistant', { requestId: 'spec-0012', text: long, speculative: true })
    await settled('spec-0012')
    await call('commitAnswer', { requestId: 'spec-0012' })
    expect(services.conversation.historyLength('window:1')).toBe(1)
  })

  it('a commit for another request, another page or an answer already gone is a no-op', async () => {
    const kiosk = await setUp({}, { tokensPerSecond: 40 })
    const { call, settled, services } = kiosk
    await call('askAssistant', { requestId: 'spec-0013', text: 'Mine?', speculative: true }, 'window:1')
    await call('commitAnswer', { requestId: 'spec-0013' }, 'window:2')
    await call('commitAnswer', { requestId: 'spec-other' }, 'window:1')
    expect(services.conversation.uncommittedAnswer('window:1')).toBe('spec-0013')
    await settled('spec-0013')
    expect(services.conversation.uncommittedAnswer('window:1')).toBe('spec-0013')
    // Nothing was committed, so the next question still discards it.
    await call('commitAnswer', { requestId: 'never-asked' }, 'window:3')
    await call('askAssistant', { requestId: 'real-0014', text: 'Mine, really?' }, 'window:1')
    await settled('real-0014')
    expect(services.conversation.historyLength('window:1')).toBe(1)
    expect(services.conversation.historyLength('window:2')).toBe(0)
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 1 })
  })

  it('the visitor leaving discards an uncommitted speculative answer', async () => {
    const kiosk = await setUp()
    const { call, settled, services, log } = kiosk
    await call('askAssistant', { requestId: 'spec-0015', text: 'Goodbye?', speculative: true })
    await settled('spec-0015')
    expect(await call('endConversation', undefined)).toEqual({ ok: true, value: null })
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    expect(services.conversation.historyLength('window:1')).toBe(0)
    await call('commitAnswer', { requestId: 'spec-0015' })
    expect(services.conversation.historyLength('window:1')).toBe(0)
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 1 })
    expect(log()).toMatch(/answer discarded \(speculative\).*spec-0015.*forgotten/)
  })

  it('an ordinary answer is unchanged: in the history at done, counted as nothing speculative', async () => {
    const kiosk = await setUp()
    const { call, settled, services, log } = kiosk
    for (const speculative of [undefined, false]) {
      const requestId = `real-${String(speculative)}`
      const request = { requestId, text: 'Plain?', ...(speculative === undefined ? {} : { speculative }) }
      await call('askAssistant', request)
      await settled(requestId)
      expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    }
    // Both in the history without a commit; a cancel after done leaves them there.
    await call('cancelAnswer', { requestId: 'real-false' })
    expect(services.conversation.historyLength('window:1')).toBe(2)
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 0, speculativeDiscarded: 0 })
    expect(log()).toMatch(/answer done/)
    expect(log()).not.toMatch(/discarded|speculative/)
  })

  it('logs the discarded question and answer only when the operator turned transcripts on', async () => {
    const kiosk = await setUp({ conversation: { logTranscripts: true } })
    const { call, settled, log } = kiosk
    await call('askAssistant', { requestId: 'spec-0016', text: 'Logged half question', speculative: true })
    await settled('spec-0016')
    await call('cancelAnswer', { requestId: 'spec-0016' })
    expect(log()).toMatch(/answer discarded \(speculative\).*Logged half question/)
    expect(log()).toMatch(/answer discarded \(speculative\).*café is on the first floor/)
  })

  it('refuses a malformed commitAnswer or speculative flag at the contract', async () => {
    const kiosk = await setUp()
    const { call, fake } = kiosk
    for (const request of [{ requestId: 'x' }, { requestId: 'spec-0017', extra: 1 }, {}, null]) {
      expect(await call('commitAnswer', request)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      })
    }
    expect(
      await call('askAssistant', { requestId: 'spec-0018', text: 'Hello?', speculative: 'yes' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-request', fields: [{ path: 'speculative' }] } })
    expect(fake.requests).toHaveLength(0)
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 0, speculativeDiscarded: 0 })
  })
})

describe('a speculative answer chained to its transcription', () => {
  const utterance = (requestId: string) => ({
    audioBase64: makeWav({ ms: 800 }).toString('base64'),
    format: 'wav',
    answer: { requestId },
  })

  it('starts on the transcript in main, before the page has it back, and streams under the given id', async () => {
    const kiosk = await setUp({}, { transcriptionDelayMs: 50 })
    const { call, settled, fake, services } = kiosk
    const transcribed = call('transcribe', utterance('chain-0001'))
    // The chat request is on its way as the transcript is returned: main did not wait for the page.
    const chat = fake.nextRequest('/v1/chat/completions')
    expect(await transcribed).toEqual({ ok: true, value: { text: QUESTION } })
    expect(services.conversation.uncommittedAnswer('window:1')).toBe('chain-0001')
    expect(dialogue(((await chat).body as { messages: FakeChatMessage[] }).messages)).toEqual([
      { role: 'user', content: QUESTION },
    ])
    const stream = await settled('chain-0001')
    expect(textOf(stream)).toBe(ANSWER)
    await call('commitAnswer', { requestId: 'chain-0001' })
    expect(services.conversation.historyLength('window:1')).toBe(1)
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 1, speculativeDiscarded: 0 })
  })

  it('a cancel while the transcription runs aborts it, and no answer starts', async () => {
    const kiosk = await setUp({}, { transcriptionDelayMs: 2000 })
    const { call, fake, services } = kiosk
    const transcribed = call('transcribe', utterance('chain-0002'))
    await fake.nextRequest('/v1/audio/transcriptions')
    expect(await call('cancelAnswer', { requestId: 'chain-0002' })).toEqual({ ok: true, value: null })
    expect(await transcribed).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    await vi.waitFor(() => expect(fake.requests[0]?.closedBeforeEnd).toBe(true), { timeout: 5000 })
    expect(fake.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(0)
    expect(services.conversation.uncommittedAnswer('window:1')).toBeUndefined()
    expect(speculativeCounts(kiosk)).toEqual({ speculativeAnswers: 0, speculativeDiscarded: 0 })
  })

  it('starts nothing for an empty transcript, and a cancel of another id leaves the transcription alone', async () => {
    const kiosk = await setUp({}, { transcript: '  ', transcriptionDelayMs: 100 })
    const { call, fake, services } = kiosk
    const transcribed = call('transcribe', utterance('chain-0003'))
    await fake.nextRequest('/v1/audio/transcriptions')
    await call('cancelAnswer', { requestId: 'other-0003' })
    expect(await transcribed).toEqual({ ok: true, value: { text: '' } })
    expect(fake.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(0)
    expect(services.conversation.activeAnswer('window:1')).toBeUndefined()
  })

  it('refuses a malformed answer id at the contract, before anything is transcribed', async () => {
    const kiosk = await setUp()
    const { call, fake } = kiosk
    expect(await call('transcribe', utterance('no spaces allowed'))).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', fields: [{ path: 'answer.requestId' }] },
    })
    expect(fake.requests).toHaveLength(0)
  })
})
