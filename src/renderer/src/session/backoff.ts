// The backoff arithmetic lives in src/shared: main's crash recovery reloads the window with the same curve.
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../../../shared/backoff'
