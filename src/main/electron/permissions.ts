import type { Session } from 'electron'
import { isAppUrl } from './app-origin'

export interface MediaRequestDetails {
  mediaTypes?: readonly string[]
  requestingUrl?: string
  securityOrigin?: string
}

/** Microphone audio for our own page, and nothing else: no camera, screen, location, notifications, USB… */
export function isPermissionRequestAllowed(permission: string, details: MediaRequestDetails): boolean {
  if (permission !== 'media') return false
  const mediaTypes = details.mediaTypes ?? []
  const onlyAudio = mediaTypes.length === 1 && mediaTypes[0] === 'audio'
  return onlyAudio && isAppUrl(details.requestingUrl ?? details.securityOrigin)
}

export function isPermissionCheckAllowed(
  permission: string,
  requestingOrigin: string,
  mediaType?: string,
): boolean {
  return permission === 'media' && mediaType === 'audio' && isAppUrl(requestingOrigin)
}

export function installPermissionHandlers(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionRequestAllowed(permission, details as MediaRequestDetails))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionCheckAllowed(permission, requestingOrigin, (details as { mediaType?: string }).mediaType),
  )
  session.setDevicePermissionHandler(() => false)
}
