import { describe, expect, it } from 'vitest'
import { retryAfterMs } from '../../../src/shared/retry-after'

const NOW = Date.parse('Wed, 21 Oct 2015 07:27:30 GMT')

function wait(headers: Record<string, string>): number | undefined {
  return retryAfterMs(new Headers(headers), NOW)
}

describe('retryAfterMs', () => {
  it('reads Retry-After as seconds, fractions included', () => {
    expect(wait({ 'Retry-After': '7' })).toBe(7000)
    expect(wait({ 'retry-after': ' 1.5 ' })).toBe(1500)
    expect(wait({ 'Retry-After': '0' })).toBe(0)
  })

  it('reads Retry-After as an HTTP date relative to now, never negative', () => {
    expect(wait({ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' })).toBe(30_000)
    expect(wait({ 'Retry-After': 'Wed, 21 Oct 2015 07:00:00 GMT' })).toBe(0)
    expect(wait({ 'Retry-After': 'Wednesday, 21-Oct-15 07:28:00 GMT' })).toBe(30_000)
  })

  it('prefers OpenAI’s retry-after-ms when it is usable', () => {
    expect(wait({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250)
    expect(wait({ 'retry-after-ms': 'soon', 'retry-after': '9' })).toBe(9000)
  })

  it('is undefined when absent or unreadable, so the caller’s backoff applies', () => {
    expect(retryAfterMs(undefined)).toBeUndefined()
    expect(wait({})).toBeUndefined()
    expect(wait({ 'Retry-After': '' })).toBeUndefined()
    expect(wait({ 'Retry-After': 'soon-ish' })).toBeUndefined()
    expect(wait({ 'Retry-After': '-5' })).toBeUndefined()
    expect(wait({ 'Retry-After': '0x10' })).toBeUndefined()
  })
})
