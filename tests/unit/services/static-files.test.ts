import { describe, expect, it } from 'vitest'
import { contentTypeFor, resolveInside } from '../../../src/main/services/static-files'

const ROOT = '/srv/kiosk/renderer'

describe('resolveInside', () => {
  it.each([
    ['/', '/srv/kiosk/renderer/index.html'],
    ['', '/srv/kiosk/renderer/index.html'],
    ['/index.html', '/srv/kiosk/renderer/index.html'],
    ['/assets/app.js', '/srv/kiosk/renderer/assets/app.js'],
    ['//assets//app.js', '/srv/kiosk/renderer/assets/app.js'],
    ['/assets/../index.html', '/srv/kiosk/renderer/index.html'],
    ['/my%20file.png', '/srv/kiosk/renderer/my file.png'],
  ])('maps %j inside the root', (urlPath, expected) => {
    expect(resolveInside(ROOT, urlPath)).toBe(expected)
  })

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/../../secret.txt',
    '/../renderer-evil/app.js',
    '/..',
    '/index.html%00.png',
    '/%E0%A4%A',
  ])('refuses %j', (urlPath) => {
    expect(resolveInside(ROOT, urlPath)).toBeUndefined()
  })

  it('treats a root given with a trailing separator the same way', () => {
    expect(resolveInside(`${ROOT}/`, '/a.js')).toBe(`${ROOT}/a.js`)
    expect(resolveInside(`${ROOT}/`, '/../a.js')).toBeUndefined()
  })
})

describe('contentTypeFor', () => {
  it('knows the renderer asset types and falls back to octet-stream', () => {
    expect(contentTypeFor('/x/index.HTML')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a.wasm')).toBe('application/wasm')
    expect(contentTypeFor('a.mjs')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('noext')).toBe('application/octet-stream')
  })
})
