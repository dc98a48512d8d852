import type { Session } from 'electron'
import { isAppUrl } from './app-origin'

export interface MediaRequestDetails {
  mediaTypes?: readonly string[]
  requestingUrl?: string
  securityOrigin?: string
}

export interface PermissionPolicy {
  /**
   * Whether the camera may be opened now: only while the operator has turned camera wake on
   * (`attract.wake.camera`). Asked at each request, so turning the setting off takes effect at the next one.
   */
  cameraAllowed(): boolean
}

const NO_CAMERA: PermissionPolicy = { cameraAllowed: () => false }

/** The one media type a request may ask for: the microphone always, the camera only while camera wake is on. */
function isAllowedMediaType(mediaType: string | undefined, policy: PermissionPolicy): boolean {
  return mediaType === 'audio' || (mediaType === 'video' && policy.cameraAllowed())
}

/**
 * Microphone audio for our own page, camera video too while camera wake is on, and nothing else: no screen,
 * location, notifications, USB… Audio and video are asked for separately, never together.
 */
export function isPermissionRequestAllowed(
  permission: string,
  details: MediaRequestDetails,
  policy: PermissionPolicy = NO_CAMERA,
): boolean {
  if (permission !== 'media') return false
  const mediaTypes = details.mediaTypes ?? []
  return (
    mediaTypes.length === 1 &&
    isAllowedMediaType(mediaTypes[0], policy) &&
    isAppUrl(details.requestingUrl ?? details.securityOrigin)
  )
}

export function isPermissionCheckAllowed(
  permission: string,
  requestingOrigin: string,
  mediaType?: string,
  policy: PermissionPolicy = NO_CAMERA,
): boolean {
  return permission === 'media' && isAllowedMediaType(mediaType, policy) && isAppUrl(requestingOrigin)
}

export function installPermissionHandlers(session: Session, policy: PermissionPolicy = NO_CAMERA): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionRequestAllowed(permission, details as MediaRequestDetails, policy))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionCheckAllowed(
      permission,
      requestingOrigin,
      (details as { mediaType?: string }).mediaType,
      policy,
    ),
  )
  session.setDevicePermissionHandler(() => false)
}
