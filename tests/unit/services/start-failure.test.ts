import { describe, expect, it } from 'vitest'
import { startFailureLine } from '../../../src/main/services/start-failure'

describe('startFailureLine', () => {
  it('names the host and the error, with known keys and key-shaped text redacted', () => {
    const key = 'la-provider-key-0123456789'
    const error = new Error(`request failed with X-Api-Key: ${key} for sk-abcdefghijklmnopqrstuvwx`)
    const line = startFailureLine('The web host', error, [key])
    expect(line).toBe(
      'The web host could not start: request failed with X-Api-Key: [redacted] for [redacted]',
    )
  })

  it('redacts a known key anywhere in the message, and handles a thrown non-Error', () => {
    const key = 'hg-secret-value-987654'
    expect(startFailureLine('Avatar Kiosk', new Error(`bad key ${key}.`), [key])).toBe(
      'Avatar Kiosk could not start: bad key [redacted].',
    )
    expect(startFailureLine('Avatar Kiosk', `GET https://api.example/v1?token=${key}`, [])).toBe(
      'Avatar Kiosk could not start: GET https://api.example/v1?token=[redacted]',
    )
  })
})
