import type { IncomingHttpHeaders } from 'node:http'

/** What a request presents: an `X-API-KEY` header and/or an `Authorization: Bearer` token. Both protocols use these. */
export interface Credentials {
  apiKey: string | undefined
  bearer: string | undefined
}

export function credentialsOf(headers: IncomingHttpHeaders): Credentials {
  const apiKey = headers['x-api-key']
  const authorization = headers.authorization
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim()
  return { apiKey: Array.isArray(apiKey) ? apiKey[0] : apiKey, bearer: bearer || undefined }
}

/** With a configured key only that key passes; without one any key does, but a key must still be sent. */
export function apiKeyAccepted(configuredKey: string | undefined, given: string | undefined): boolean {
  if (given === undefined || given === '') return false
  return configuredKey === undefined || given === configuredKey
}
