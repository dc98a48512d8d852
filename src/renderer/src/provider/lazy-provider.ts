import type { ProviderKind } from '../../../shared/settings/schema'
import type { Log } from '../log'
import type { AvatarProvider } from './avatar-provider'

/**
 * Each provider's SDK is its own chunk, loaded only when a token for that kind arrives: a kiosk on LiveAvatar
 * never downloads or parses the legacy SDK, and the reverse. Loaded once per kind and page.
 */
export interface LazyProvider extends AvatarProvider {
  /** Starts loading a kind's chunk ahead of its first token, so the start does not wait for it. */
  preload(kind: ProviderKind): void
}

export function createLazyProvider(log: Log): LazyProvider {
  const loaded = new Map<ProviderKind, Promise<AvatarProvider>>()
  const load = (kind: ProviderKind): Promise<AvatarProvider> => {
    let provider = loaded.get(kind)
    if (!provider) {
      provider = importProvider(kind, log)
      // A failed chunk load (e.g. the app was updated underneath the page) may succeed on the next attempt.
      provider.catch(() => loaded.delete(kind))
      loaded.set(kind, provider)
    }
    return provider
  }
  return {
    async start(token, options, hooks) {
      const provider = await load(token.kind)
      return provider.start(token, options, hooks)
    },
    preload(kind) {
      load(kind).catch((error: unknown) =>
        log('warn', 'provider chunk did not load', { kind, error: String(error) }),
      )
    },
  }
}

async function importProvider(kind: ProviderKind, log: Log): Promise<AvatarProvider> {
  if (kind === 'liveavatar') {
    const { createLiveAvatarProvider } = await import('./liveavatar-provider')
    return createLiveAvatarProvider({ log })
  }
  const [{ createHeygenProvider }, { installChatSocketUrlFix }] = await Promise.all([
    import('./heygen-provider'),
    import('./chat-socket-url'),
  ])
  const heygen = createHeygenProvider()
  return {
    start(token, options, hooks) {
      // The legacy SDK drops the provider's port from its chat-socket URL; put it back for this token's provider.
      installChatSocketUrlFix(token.baseUrl)
      return heygen.start(token, options, hooks)
    },
  }
}
