import { describe, expect, it } from 'vitest'
import { SpeechQueue } from '../../../src/renderer/src/conversation/speech-queue'

function deferred() {
  let resolve!: () => void
  let reject!: (error: Error) => void
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

describe('SpeechQueue', () => {
  it('sends one sentence at a time, in order, each after the previous one was accepted', async () => {
    const calls: { text: string; done: ReturnType<typeof deferred> }[] = []
    const queue = new SpeechQueue(
      (text) => {
        const done = deferred()
        calls.push({ text, done })
        return done.promise
      },
      () => undefined,
    )
    queue.enqueue('One.')
    queue.enqueue('Two.')
    queue.enqueue('Three.')
    expect(calls.map((call) => call.text)).toEqual(['One.'])
    expect(queue.idle).toBe(false)
    calls[0]?.done.resolve()
    await Promise.resolve()
    await Promise.resolve()
    expect(calls.map((call) => call.text)).toEqual(['One.', 'Two.'])
    calls[1]?.done.resolve()
    await new Promise((done) => setTimeout(done, 0))
    calls[2]?.done.resolve()
    await new Promise((done) => setTimeout(done, 0))
    expect(calls.map((call) => call.text)).toEqual(['One.', 'Two.', 'Three.'])
    expect(queue.idle).toBe(true)
  })

  it('drops what was not sent yet on clear (barge-in), and carries on with what comes next', async () => {
    const sent: string[] = []
    const first = deferred()
    const queue = new SpeechQueue(
      (text) => {
        sent.push(text)
        return text === 'Old one.' ? first.promise : Promise.resolve()
      },
      () => undefined,
    )
    queue.enqueue('Old one.')
    queue.enqueue('Old two.')
    queue.clear()
    queue.enqueue('New answer.')
    first.resolve()
    await new Promise((done) => setTimeout(done, 0))
    expect(sent).toEqual(['Old one.', 'New answer.'])
  })

  it('reports a refused sentence and goes on with the next', async () => {
    const errors: unknown[] = []
    const sent: string[] = []
    const queue = new SpeechQueue(
      async (text) => {
        sent.push(text)
        if (text === 'Bad.') throw new Error('refused')
      },
      (error) => errors.push(error),
    )
    queue.enqueue('Bad.')
    queue.enqueue('Good.')
    await new Promise((done) => setTimeout(done, 0))
    expect(sent).toEqual(['Bad.', 'Good.'])
    expect(errors).toHaveLength(1)
  })
})
