import type { NetworkStatus } from './session-controller'

/** The browser's own view of connectivity: no retries are spent while it says the network is down. */
export function browserNetworkStatus(): NetworkStatus {
  return {
    online: () => navigator.onLine,
    subscribe(listener) {
      const online = () => listener(true)
      const offline = () => listener(false)
      window.addEventListener('online', online)
      window.addEventListener('offline', offline)
      return () => {
        window.removeEventListener('online', online)
        window.removeEventListener('offline', offline)
      }
    },
  }
}
