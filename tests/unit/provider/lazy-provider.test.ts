import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionToken } from '../../../src/shared/contract'
import type { AvatarStartOptions } from '../../../src/renderer/src/provider/avatar-provider'

const loaded = vi.hoisted(() => ({
  modules: [] as string[],
  created: [] as string[],
  socketFix: [] as string[],
  starts: [] as string[],
}))

function fakeProvider(kind: string) {
  loaded.created.push(kind)
  return {
    start: async (token: SessionToken) => {
      loaded.starts.push(`${kind}:${token.token}`)
      return { id: `${kind}-session` }
    },
  }
}

vi.mock('../../../src/renderer/src/provider/liveavatar-provider', () => {
  loaded.modules.push('liveavatar')
  return { createLiveAvatarProvider: () => fakeProvider('liveavatar') }
})
vi.mock('../../../src/renderer/src/provider/heygen-provider', () => {
  loaded.modules.push('heygen')
  return { createHeygenProvider: () => fakeProvider('heygen') }
})
vi.mock('../../../src/renderer/src/provider/chat-socket-url', () => ({
  installChatSocketUrlFix: (baseUrl: string) => loaded.socketFix.push(baseUrl),
}))

const { createLazyProvider } = await import('../../../src/renderer/src/provider/lazy-provider')

function token(kind: SessionToken['kind'], value: string): SessionToken {
  return {
    token: value,
    baseUrl: `https://${kind}.example:8443`,
    sandbox: false,
    kind,
    lease: `lease-${value}`,
  }
}

const hooks = { signal: new AbortController().signal, onSessionCreated: () => undefined }

describe('lazy provider', () => {
  beforeEach(() => {
    loaded.starts.length = 0
    loaded.socketFix.length = 0
  })

  it('loads only the SDK of the token’s kind, once, and the legacy chat-socket fix only for the legacy kind', async () => {
    const provider = createLazyProvider(() => undefined)
    expect(loaded.modules).toEqual([])
    await provider.start(token('liveavatar', 'a'), {} as AvatarStartOptions, hooks)
    await provider.start(token('liveavatar', 'b'), {} as AvatarStartOptions, hooks)
    expect(loaded.modules).toEqual(['liveavatar'])
    expect(loaded.socketFix).toEqual([])

    await provider.start(token('heygen', 'c'), {} as AvatarStartOptions, hooks)
    expect(loaded.modules).toEqual(['liveavatar', 'heygen'])
    expect(loaded.socketFix).toEqual(['https://heygen.example:8443'])
    expect(loaded.starts).toEqual(['liveavatar:a', 'liveavatar:b', 'heygen:c'])
    // One provider per kind and page; preloading a kind already loaded loads nothing again.
    provider.preload('heygen')
    await new Promise((resolve) => setImmediate(resolve))
    expect(loaded.created).toEqual(['liveavatar', 'heygen'])
  })
})
