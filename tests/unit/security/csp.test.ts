import { describe, expect, it } from 'vitest'
import { buildRendererCsp, providerConnectSources } from '../../../src/main/security/csp'
import { defaultSettings, providerBaseUrl, SettingsSchema } from '../../../src/shared/settings/schema'

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split('; ').map((directive) => {
      const [name = '', ...sources] = directive.split(' ')
      return [name, sources]
    }),
  )
}

/** Everything but connect-src is the same for every provider. */
const FIXED_BEFORE =
  "default-src 'self'; " +
  "script-src 'self' 'wasm-unsafe-eval'; " +
  "style-src 'self'; " +
  "img-src 'self' data: blob:; " +
  "media-src 'self' blob: mediastream:; " +
  "font-src 'self'; "
const FIXED_AFTER =
  "; worker-src 'self' blob:; " +
  "object-src 'none'; " +
  "base-uri 'none'; " +
  "form-action 'none'; " +
  "frame-ancestors 'none'; " +
  "frame-src 'none'"

describe('buildRendererCsp', () => {
  // A CSP that blocks the real provider cannot be caught offline, so the production values are pinned here.
  it('produces exactly the production policy for LiveAvatar (default settings, key set)', () => {
    const settings = defaultSettings()
    expect(
      buildRendererCsp({
        providerKind: settings.provider.kind,
        providerBaseUrl: providerBaseUrl(settings.provider),
      }),
    ).toBe(
      FIXED_BEFORE +
        "connect-src 'self' https://api.liveavatar.com wss://api.liveavatar.com wss://*.livekit.cloud https://*.livekit.cloud wss://webrtc-signaling.heygen.io" +
        FIXED_AFTER,
    )
  })

  it('produces exactly the production policy for legacy HeyGen (default settings, key set)', () => {
    const settings = SettingsSchema.parse({ provider: { kind: 'heygen' } })
    expect(
      buildRendererCsp({
        providerKind: settings.provider.kind,
        providerBaseUrl: providerBaseUrl(settings.provider),
      }),
    ).toBe(
      FIXED_BEFORE +
        "connect-src 'self' https://api.heygen.com wss://api.heygen.com wss://*.livekit.cloud https://*.livekit.cloud" +
        FIXED_AFTER,
    )
  })

  it('produces exactly the sandbox policy: the local provider over http and ws on its port', () => {
    expect(buildRendererCsp({ providerKind: 'liveavatar', providerBaseUrl: 'http://127.0.0.1:43123' })).toBe(
      FIXED_BEFORE +
        "connect-src 'self' http://127.0.0.1:43123 ws://127.0.0.1:43123 wss://*.livekit.cloud https://*.livekit.cloud wss://webrtc-signaling.heygen.io" +
        FIXED_AFTER,
    )
    const legacy = directives(
      buildRendererCsp({ providerKind: 'heygen', providerBaseUrl: 'http://127.0.0.1:43123' }),
    )
    expect(legacy.get('connect-src')).toEqual([
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

  it('never lists the LLM or speech host, inline scripts or eval', () => {
    const llmHost = new URL(defaultSettings().llm.baseUrl).host
    for (const providerKind of ['liveavatar', 'heygen'] as const) {
      for (const provider of [
        'https://api.liveavatar.com',
        'https://api.heygen.com',
        'http://127.0.0.1:43123',
      ]) {
        const csp = buildRendererCsp({ providerKind, providerBaseUrl: provider })
        expect(csp).not.toContain(llmHost)
        expect(csp).not.toContain('openai')
        const tokens = [...directives(csp).values()].flat()
        expect(tokens).not.toContain("'unsafe-inline'")
        expect(tokens).not.toContain("'unsafe-eval'")
        expect(tokens).not.toContain('*')
        expect(directives(csp).get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"])
      }
    }
  })

  // Camera wake's face detector (src/renderer/src/presence/face-worker.ts) runs on TensorFlow.js's CPU
  // backend in a same-origin module worker and fetches its weights from face/: it needs no CSP change.
  it('lets the face-presence worker run from our own origin without eval', () => {
    const csp = directives(
      buildRendererCsp({ providerKind: 'liveavatar', providerBaseUrl: 'http://127.0.0.1:1' }),
    )
    expect(csp.get('worker-src')).toContain("'self'")
    expect(csp.get('connect-src')).toContain("'self'")
    expect(csp.get('media-src')).toContain('mediastream:')
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'")
  })

  it('refuses a provider base URL that is not a URL', () => {
    expect(() =>
      buildRendererCsp({ providerKind: 'liveavatar', providerBaseUrl: 'api.heygen.com' }),
    ).toThrow()
  })
})
