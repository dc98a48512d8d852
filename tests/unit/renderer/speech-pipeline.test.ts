import { describe, expect, it } from 'vitest'
import { SpeechPipeline, type SpeechItem } from '../../../src/renderer/src/conversation/speech-pipeline'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve))
}

/** A pipeline whose synthesis the test answers by hand, recording what reaches the avatar. */
function harness(maxAhead?: number) {
  const syntheses = new Map<string, ReturnType<typeof deferred<string>>>()
  const started: string[] = []
  const delivered: string[] = []
  const errors: string[] = []
  const cancelled: string[][] = []
  const deliveries: ReturnType<typeof deferred<void>>[] = []
  let holdDelivery = false
  const pipeline = new SpeechPipeline<string>({
    synthesize: (item: SpeechItem) => {
      started.push(item.text)
      const synthesis = deferred<string>()
      syntheses.set(item.text, synthesis)
      return synthesis.promise
    },
    deliver: async (audio) => {
      delivered.push(audio)
      if (holdDelivery) {
        const delivery = deferred<void>()
        deliveries.push(delivery)
        await delivery.promise
      }
    },
    onError: (_error, item) => errors.push(item.text),
    cancel: (ids) => cancelled.push([...ids]),
    ...(maxAhead ? { maxAhead } : {}),
  })
  const audio = (text: string) => syntheses.get(text)?.resolve(`pcm:${text}`)
  return {
    pipeline,
    started,
    delivered,
    errors,
    cancelled,
    deliveries,
    audio,
    fail: (text: string) => syntheses.get(text)?.reject(new Error('tts failed')),
    hold: () => (holdDelivery = true),
  }
}

describe('SpeechPipeline (LiveAvatar LITE speech)', () => {
  it('synthesises ahead while delivering strictly in order', async () => {
    const h = harness()
    h.pipeline.enqueue('One.', 'answer-1')
    h.pipeline.enqueue('Two.', 'answer-1')
    h.pipeline.enqueue('Three.', 'answer-1')
    // All three are being synthesised at once: speech is ready before its turn.
    expect(h.started).toEqual(['One.', 'Two.', 'Three.'])
    h.audio('Three.')
    h.audio('Two.')
    await flush()
    expect(h.delivered).toEqual([])
    h.audio('One.')
    await flush()
    expect(h.delivered).toEqual(['pcm:One.', 'pcm:Two.', 'pcm:Three.'])
    expect(h.pipeline.idle).toBe(true)
  })

  it('sends the first sentence while later ones are still being written and synthesised', async () => {
    const h = harness()
    h.pipeline.enqueue('First.', 'answer-1')
    h.audio('First.')
    await flush()
    expect(h.delivered).toEqual(['pcm:First.'])
    h.pipeline.enqueue('Second.', 'answer-1')
    expect(h.started).toEqual(['First.', 'Second.'])
    h.audio('Second.')
    await flush()
    expect(h.delivered).toEqual(['pcm:First.', 'pcm:Second.'])
  })

  it('synthesises at most `maxAhead` sentences at a time', async () => {
    const h = harness(2)
    for (const text of ['A.', 'B.', 'C.', 'D.']) h.pipeline.enqueue(text, 'answer-1')
    expect(h.started).toEqual(['A.', 'B.'])
    h.audio('A.')
    await flush()
    expect(h.started).toEqual(['A.', 'B.', 'C.'])
  })

  it('a sentence that fails to synthesise is reported and skipped; the rest keep their order', async () => {
    const h = harness()
    h.pipeline.enqueue('One.', 'answer-1')
    h.pipeline.enqueue('Two.', 'answer-1')
    h.pipeline.enqueue('Three.', 'answer-1')
    h.fail('Two.')
    h.audio('Three.')
    h.audio('One.')
    await flush()
    expect(h.delivered).toEqual(['pcm:One.', 'pcm:Three.'])
    expect(h.errors).toEqual(['Two.'])
  })

  it('clear() (barge-in) drops queued audio, cancels the answers being synthesised, and delivers nothing late', async () => {
    const h = harness()
    h.hold()
    h.pipeline.enqueue('One.', 'answer-1')
    h.pipeline.enqueue('Two.', 'answer-1')
    h.pipeline.enqueue('Greeting.', 'greeting-1')
    h.audio('One.')
    await flush()
    expect(h.delivered).toEqual(['pcm:One.'])
    h.pipeline.clear()
    expect(h.cancelled).toEqual([['answer-1', 'greeting-1']])
    h.audio('Two.')
    h.audio('Greeting.')
    h.deliveries[0]?.resolve()
    await flush()
    expect(h.delivered).toEqual(['pcm:One.'])
    expect(h.pipeline.idle).toBe(true)

    // A new answer after the barge-in goes out normally.
    h.pipeline.enqueue('Next.', 'answer-2')
    h.audio('Next.')
    await flush()
    h.deliveries[1]?.resolve()
    await flush()
    expect(h.delivered).toEqual(['pcm:One.', 'pcm:Next.'])
  })

  it('clear() with nothing synthesising cancels nothing', () => {
    const h = harness()
    h.pipeline.clear()
    expect(h.cancelled).toEqual([])
  })
})
