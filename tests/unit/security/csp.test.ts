import { describe, expect, it } from 'vitest'
import { buildRendererCsp, providerConnectSources } from '../../../src/main/security/csp'
import { defaultSettings } from '../../../src/shared/settings/schema'

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split('; ').map((directive) => {
      const [name = '', ...sources] = directive.split(' ')
      return [name, sources]
    }),
  )
}

describe('buildRendererCsp', () => {
  it('produces exactly the production policy for HeyGen', () => {
    expect(buildRendererCsp({ providerBaseUrl: 'https://api.heygen.com' })).toBe(
      "default-src 'self'; " +
        "script-src 'self' 'wasm-unsafe-eval'; " +
        "style-src 'self'; " +
        "img-src 'self' data: blob:; " +
        "media-src 'self' blob: mediastream:; " +
        "font-src 'self'; " +
        "connect-src 'self' https://api.heygen.com wss://api.heygen.com wss://*.livekit.cloud https://*.livekit.cloud; " +
        "worker-src 'self' blob:; " +
        "object-src 'none'; " +
        "base-uri 'none'; " +
        "form-action 'none'; " +
        "frame-ancestors 'none'; " +
        "frame-src 'none'",
    )
  })

  it('allows a local sandbox provider over http and ws on its port', () => {
    const csp = directives(buildRendererCsp({ providerBaseUrl: 'http://127.0.0.1:43123' }))
    expect(csp.get('connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:43123',
      'ws://127.0.0.1:43123',
      'wss://*.livekit.cloud',
      'https://*.livekit.cloud',
    ])
  })

  it('uses only the origin of a base URL with a path', () => {
    expect(providerConnectSources('https://proxy.example:8443/heygen/v2')).toEqual([
      'https://proxy.example:8443',
      'wss://proxy.example:8443',
    ])
  })

  it('never lists the LLM host, inline scripts or eval', () => {
    const llmHost = new URL(defaultSettings().llm.baseUrl).host
    for (const provider of ['https://api.heygen.com', 'http://127.0.0.1:43123']) {
      const csp = buildRendererCsp({ providerBaseUrl: provider })
      expect(csp).not.toContain(llmHost)
      expect(csp).not.toContain('openai')
      const tokens = [...directives(csp).values()].flat()
      expect(tokens).not.toContain("'unsafe-inline'")
      expect(tokens).not.toContain("'unsafe-eval'")
      expect(tokens).not.toContain('*')
      expect(directives(csp).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"])
    }
  })

  it('refuses a provider base URL that is not a URL', () => {
    expect(() => buildRendererCsp({ providerBaseUrl: 'api.heygen.com' })).toThrow()
  })
})
