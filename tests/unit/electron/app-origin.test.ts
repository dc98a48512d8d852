import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl } from '../../../src/main/electron/app-origin'

describe('isAppUrl', () => {
  it('knows the app origin and entry page', () => {
    expect(APP_ORIGIN).toBe('app://kiosk')
    expect(APP_ENTRY_URL).toBe('app://kiosk/index.html')
  })

  it.each(['app://kiosk', 'app://kiosk/', 'app://kiosk/index.html', 'app://kiosk/assets/x.js?v=1#top'])(
    'accepts %j',
    (url) => {
      expect(isAppUrl(url)).toBe(true)
    },
  )

  it.each([
    undefined,
    '',
    'null',
    'kiosk',
    'app:kiosk',
    'app:///kiosk',
    'app://',
    'app://evil/',
    'app://kiosk.evil.example/',
    'app://evil.example/kiosk',
    'app://kiosk:8080/',
    'apps://kiosk/',
    'https://kiosk/',
    'http://kiosk/',
    'file:///kiosk/index.html',
    'javascript:alert(1)//app://kiosk',
    'blob:app://evil/1234',
    'not a url at all',
  ])('refuses %j', (url) => {
    expect(isAppUrl(url)).toBe(false)
  })
})
