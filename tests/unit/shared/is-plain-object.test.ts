import { describe, expect, it } from 'vitest'
import { isPlainObject } from '../../../src/shared/is-plain-object'

describe('isPlainObject', () => {
  it('accepts objects, parsed JSON objects included', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject(JSON.parse('{"a":{"b":1}}'))).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
  })

  it('refuses null, arrays and scalars', () => {
    for (const value of [null, undefined, [], [1], 'x', 0, true]) expect(isPlainObject(value)).toBe(false)
  })
})
