import type { Session } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import {
  installPermissionHandlers,
  isPermissionCheckAllowed,
  isPermissionRequestAllowed,
} from '../../../src/main/electron/permissions'

vi.mock('electron', () => ({ session: {} }))

type RequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void
type CheckHandler = (contents: unknown, permission: string, origin: string, details: unknown) => boolean

function install(cameraAllowed?: () => boolean) {
  const captured: { request?: RequestHandler; check?: CheckHandler; device?: (details: unknown) => boolean } =
    {}
  const session = {
    setPermissionRequestHandler: vi.fn((handler: RequestHandler) => (captured.request = handler)),
    setPermissionCheckHandler: vi.fn((handler: CheckHandler) => (captured.check = handler)),
    setDevicePermissionHandler: vi.fn(
      (handler: (details: unknown) => boolean) => (captured.device = handler),
    ),
  }
  installPermissionHandlers(
    session as unknown as Session,
    cameraAllowed === undefined ? undefined : { cameraAllowed },
  )
  const { request, check, device } = captured
  if (!request || !check || !device) throw new Error('a permission handler was not installed')
  const decide = (permission: string, details: unknown) => {
    const callback = vi.fn()
    request({}, permission, callback, details)
    expect(callback).toHaveBeenCalledTimes(1)
    return callback.mock.calls[0]?.[0] as boolean
  }
  return { decide, check, device }
}

const APP_PAGE = 'app://kiosk/index.html'

describe('permission request handler', () => {
  it('grants microphone audio to our own page', () => {
    const { decide } = install()
    expect(decide('media', { mediaTypes: ['audio'], requestingUrl: APP_PAGE, isMainFrame: true })).toBe(true)
    expect(decide('media', { mediaTypes: ['audio'], securityOrigin: 'app://kiosk' })).toBe(true)
  })

  it.each([
    ['video only', { mediaTypes: ['video'], requestingUrl: APP_PAGE }],
    ['audio and video', { mediaTypes: ['audio', 'video'], requestingUrl: APP_PAGE }],
    ['audio twice', { mediaTypes: ['audio', 'audio'], requestingUrl: APP_PAGE }],
    ['no media types', { requestingUrl: APP_PAGE }],
    ['an empty media list', { mediaTypes: [], requestingUrl: APP_PAGE }],
    ['a foreign page', { mediaTypes: ['audio'], requestingUrl: 'https://evil.example/' }],
    ['another app host', { mediaTypes: ['audio'], requestingUrl: 'app://evil/index.html' }],
    ['a file page', { mediaTypes: ['audio'], requestingUrl: 'file:///index.html' }],
    ['no origin at all', { mediaTypes: ['audio'] }],
  ])('denies media with %s', (_label, details) => {
    expect(install().decide('media', details)).toBe(false)
  })

  it.each([
    'notifications',
    'geolocation',
    'display-capture',
    'clipboard-read',
    'clipboard-sanitized-write',
    'midi',
    'midiSysex',
    'pointerLock',
    'fullscreen',
    'openExternal',
    'hid',
    'serial',
    'usb',
    'idle-detection',
    'unknown',
  ])('denies %s even to our page', (permission) => {
    expect(install().decide(permission, { mediaTypes: ['audio'], requestingUrl: APP_PAGE })).toBe(false)
  })
})

describe('permission check handler', () => {
  it('mirrors the request handler', () => {
    const { check } = install()
    expect(check({}, 'media', 'app://kiosk', { mediaType: 'audio' })).toBe(true)
    expect(check({}, 'media', 'app://kiosk', { mediaType: 'video' })).toBe(false)
    expect(check({}, 'media', 'app://kiosk', {})).toBe(false)
    expect(check({}, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false)
    expect(check({}, 'media', 'app://evil', { mediaType: 'audio' })).toBe(false)
    expect(check({}, 'notifications', 'app://kiosk', { mediaType: 'audio' })).toBe(false)
    expect(check({}, 'geolocation', 'app://kiosk', {})).toBe(false)
  })
})

describe('camera for camera wake (attract.wake.camera)', () => {
  it('grants camera video to our own page only while camera wake is on, asked at each request', () => {
    let cameraWake = true
    const { decide, check } = install(() => cameraWake)
    expect(decide('media', { mediaTypes: ['video'], requestingUrl: APP_PAGE })).toBe(true)
    expect(check({}, 'media', 'app://kiosk', { mediaType: 'video' })).toBe(true)
    expect(decide('media', { mediaTypes: ['audio'], requestingUrl: APP_PAGE })).toBe(true)
    cameraWake = false
    expect(decide('media', { mediaTypes: ['video'], requestingUrl: APP_PAGE })).toBe(false)
    expect(check({}, 'media', 'app://kiosk', { mediaType: 'video' })).toBe(false)
    expect(decide('media', { mediaTypes: ['audio'], requestingUrl: APP_PAGE })).toBe(true)
  })

  it.each([
    ['a foreign page', { mediaTypes: ['video'], requestingUrl: 'https://evil.example/' }],
    ['another app host', { mediaTypes: ['video'], requestingUrl: 'app://evil/index.html' }],
    ['no origin at all', { mediaTypes: ['video'] }],
    ['audio and video together', { mediaTypes: ['audio', 'video'], requestingUrl: APP_PAGE }],
    ['video twice', { mediaTypes: ['video', 'video'], requestingUrl: APP_PAGE }],
  ])('denies the camera to %s even with camera wake on', (_label, details) => {
    expect(install(() => true).decide('media', details)).toBe(false)
  })

  it('denies the camera check to other origins and screen capture even with camera wake on', () => {
    const { check, decide } = install(() => true)
    expect(check({}, 'media', 'https://evil.example', { mediaType: 'video' })).toBe(false)
    expect(check({}, 'media', 'app://kiosk', {})).toBe(false)
    expect(decide('display-capture', { mediaTypes: ['video'], requestingUrl: APP_PAGE })).toBe(false)
  })
})

describe('device permission handler', () => {
  it('denies every device', () => {
    const { device } = install()
    expect(device({ deviceType: 'usb', origin: 'app://kiosk' })).toBe(false)
    expect(device({ deviceType: 'hid', origin: 'app://kiosk' })).toBe(false)
  })
})

describe('pure permission predicates', () => {
  it('agree with the installed handlers', () => {
    expect(isPermissionRequestAllowed('media', { mediaTypes: ['audio'], requestingUrl: APP_PAGE })).toBe(true)
    expect(isPermissionRequestAllowed('media', { mediaTypes: ['video'], requestingUrl: APP_PAGE })).toBe(
      false,
    )
    expect(isPermissionCheckAllowed('media', 'app://kiosk', 'audio')).toBe(true)
    expect(isPermissionCheckAllowed('media', 'app://kiosk')).toBe(false)
  })
})
