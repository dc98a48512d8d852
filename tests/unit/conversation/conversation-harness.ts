import { afterEach, expect, vi } from 'vitest'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import type { AnswerStreamEvent } from '../../../src/shared/contract'
import type { SettingsPatch } from '../../../src/shared/settings/schema'
import { startFakeOpenAi, type FakeOpenAi } from '../../support/fake-openai'
import { memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

/**
 * A whole kiosk's services (createAppServices, so the bridge, the contract and the usage ledger are the real
 * ones) in llm mode against the fake OpenAI server, with every answerStream event recorded. Shared by the
 * conversation tests.
 */

export const KEY = 'sk-unit-bridge-key-0123456789abcdefXYZ'
export const ANSWER = 'We open at nine. The café is on the first floor. Enjoy your visit!'
export const QUESTION = 'When do you open and where is the café?'
export const SYSTEM = 'You are the receptionist of the Unit Test Museum.'

export interface Received {
  payload: AnswerStreamEvent
  target: string | undefined
}

export interface Harness {
  services: AppServices
  fake: FakeOpenAi
  events: Received[]
  log: () => string
  call: (name: string, request: unknown, clientId?: string) => Promise<unknown>
  /** Resolves with the events of one request once it has ended (done or error). */
  settled: (requestId: string) => Promise<AnswerStreamEvent[]>
  of: (requestId: string) => AnswerStreamEvent[]
}

export type FakeOptions = Parameters<typeof startFakeOpenAi>[0]

/** Registers the clean-up after each test; returns the kiosk maker, a temp-dir maker and the clean-up list. */
export function useConversationHarness() {
  const tempDir = useTempDirs()
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setUp(patch: SettingsPatch = {}, fakeOptions: FakeOptions = {}): Promise<Harness> {
    const dir = await tempDir()
    const { sink, text } = memorySink()
    const services = await createAppServices(nodeHostAdapters(dir, sink))
    const fake = await startFakeOpenAi({
      answer: ANSWER,
      transcript: QUESTION,
      tokensPerSecond: 200,
      ...fakeOptions,
    })
    cleanups.push(async () => {
      await services.close()
      await fake.close()
    })
    services.settings.update({
      conversation: { mode: 'llm', ...patch.conversation },
      llm: { baseUrl: fake.baseUrl, model: 'fake-model', systemPrompt: SYSTEM, ...patch.llm },
    })
    await services.secrets.set('llmApiKey', KEY)
    const events: Received[] = []
    services.events.subscribe((name, payload, target) => {
      if (name === 'answerStream') events.push({ payload: payload as AnswerStreamEvent, target })
    })
    const of = (requestId: string) =>
      events.map((event) => event.payload).filter((payload) => payload.requestId === requestId)
    return {
      services,
      fake,
      events,
      log: text,
      call: (name, request, clientId = 'window:1') => services.dispatch(name, request, { clientId }),
      of,
      settled: async (requestId) => {
        await vi.waitFor(() => expect(of(requestId).some((event) => event.kind !== 'delta')).toBe(true), {
          timeout: 10_000,
        })
        return of(requestId)
      },
    }
  }

  return { setUp, tempDir, cleanups }
}
