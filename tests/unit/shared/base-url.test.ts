import { describe, expect, it } from 'vitest'
import { toFieldErrors } from '../../../src/shared/result'
import {
  INSECURE_URL_MESSAGE,
  isLoopbackUrl,
  isSecureOrLoopbackUrl,
} from '../../../src/shared/settings/fields'
import { SettingsPatchSchema, SettingsSchema } from '../../../src/shared/settings/schema'

/** Every base URL the settings hold; each one can receive a key. */
const URL_FIELDS = [
  'provider.baseUrl',
  'llm.baseUrl',
  'llm.transcriptionBaseUrl',
  'llm.speech.baseUrl',
] as const

function nested(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<
    string,
    unknown
  >
}

function fieldErrors(input: unknown) {
  const result = SettingsSchema.safeParse(input)
  return result.success ? [] : toFieldErrors(result.error.issues)
}

describe('isLoopbackUrl', () => {
  it.each([
    ['http://localhost:11434/v1', true],
    ['http://LOCALHOST/v1', true],
    ['http://127.0.0.1:8080/v1', true],
    ['http://127.1.2.3/v1', true],
    ['http://127.1/v1', true],
    ['http://[::1]:8000/v1', true],
    // Resolved through DNS by Node, so not guaranteed to stay on this computer.
    ['http://ollama.localhost/v1', false],
    ['https://api.openai.com/v1', false],
    ['http://192.168.1.20:8000/v1', false],
    ['http://128.0.0.1/v1', false],
    ['http://127.0.0.1.evil.test/v1', false],
    ['http://localhost.evil.test/v1', false],
    ['http://[::ffff:10.0.0.1]/v1', false],
    ['not a url', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback)
  })
})

describe('isSecureOrLoopbackUrl', () => {
  it.each([
    ['https://api.liveavatar.com', true],
    ['https://192.168.1.20:8000/v1', true],
    ['http://127.0.0.1:4000', true],
    ['http://localhost:11434/v1', true],
    ['http://[::1]:8000', true],
    ['http://api.liveavatar.com', false],
    ['http://192.168.1.20:8000/v1', false],
    ['http://ollama.localhost/v1', false],
    ['ws://127.0.0.1:4000', false],
    ['ftp://127.0.0.1', false],
    ['', false],
  ])('%s → %s', (url, allowed) => {
    expect(isSecureOrLoopbackUrl(url)).toBe(allowed)
  })
})

describe('base URL settings', () => {
  it.each(URL_FIELDS)('%s refuses plain http to another computer, with a field-level error', (path) => {
    expect(fieldErrors(nested(path, 'http://llm.example.test/v1'))).toEqual([
      { path, message: INSECURE_URL_MESSAGE },
    ])
  })

  it.each(URL_FIELDS)('%s accepts https anywhere and http on this computer', (path) => {
    for (const url of [
      'https://llm.example.test/v1',
      'http://127.0.0.1:8080/v1',
      'http://localhost:11434/v1',
    ]) {
      expect(fieldErrors(nested(path, url))).toEqual([])
    }
  })

  it.each(URL_FIELDS)('%s refuses plain http in an update, before anything is merged', (path) => {
    const result = SettingsPatchSchema.safeParse(nested(path, 'http://10.0.0.5:8000'))
    expect(result.success ? [] : toFieldErrors(result.error.issues)).toEqual([
      { path, message: INSECURE_URL_MESSAGE },
    ])
  })

  it('gives a value that is no http(s) URL at all one message, not also the https one', () => {
    expect(fieldErrors({ llm: { baseUrl: 'ftp://llm.example.test' } })).toEqual([
      { path: 'llm.baseUrl', message: 'Must be an http:// or https:// URL' },
    ])
    expect(fieldErrors({ provider: { baseUrl: 'ftp://x.test' } })).toEqual([
      { path: 'provider.baseUrl', message: 'Must be an http:// or https:// URL, or empty for the default' },
    ])
  })

  it('still strips trailing slashes', () => {
    const settings = SettingsSchema.parse({
      provider: { baseUrl: 'http://127.0.0.1:4000/' },
      llm: { baseUrl: 'https://llm.example.test/v1//' },
    })
    expect(settings.provider.baseUrl).toBe('http://127.0.0.1:4000')
    expect(settings.llm.baseUrl).toBe('https://llm.example.test/v1')
  })
})
