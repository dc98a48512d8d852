import { describe, expect, it } from 'vitest'
import {
  CHAT_SOCKET_PATH,
  correctChatSocketUrl,
  installChatSocketUrlFix,
} from '../../../src/renderer/src/provider/chat-socket-url'

const QUERY = '?session_id=s1&session_token=t1&silence_response=false&push_to_talk=false'
const sdkUrl = (host: string): string => `wss://${host}${CHAT_SOCKET_PATH}${QUERY}`

describe('correctChatSocketUrl', () => {
  it('puts back the port and plain ws for a local http provider', () => {
    expect(correctChatSocketUrl('http://127.0.0.1:43125', sdkUrl('127.0.0.1'))).toBe(
      `ws://127.0.0.1:43125${CHAT_SOCKET_PATH}${QUERY}`,
    )
  })

  it('keeps wss and puts back the port for an https provider on a custom port', () => {
    expect(correctChatSocketUrl('https://avatar.example.org:8443', sdkUrl('avatar.example.org'))).toBe(
      `wss://avatar.example.org:8443${CHAT_SOCKET_PATH}${QUERY}`,
    )
  })

  it('restores the base path prefix of a proxied provider', () => {
    expect(correctChatSocketUrl('https://proxy.example.org/heygen/', sdkUrl('proxy.example.org'))).toBe(
      `wss://proxy.example.org/heygen${CHAT_SOCKET_PATH}${QUERY}`,
    )
  })

  it('leaves the public provider URL as the SDK built it', () => {
    expect(correctChatSocketUrl('https://api.heygen.com', sdkUrl('api.heygen.com'))).toBe(
      sdkUrl('api.heygen.com'),
    )
  })

  it('keeps the arch_version parameter and every other query parameter', () => {
    const url = `${sdkUrl('localhost')}&arch_version=v2`
    expect(correctChatSocketUrl('http://localhost:9000', url)).toBe(
      `ws://localhost:9000${CHAT_SOCKET_PATH}${QUERY}&arch_version=v2`,
    )
  })

  it.each([
    ['another host', 'http://127.0.0.1:43125', sdkUrl('example.com')],
    ['another path', 'http://127.0.0.1:43125', `wss://127.0.0.1/v1/ws/other${QUERY}`],
    ['a LiveKit signal URL', 'http://127.0.0.1:43125', 'ws://127.0.0.1:43125/rtc?access_token=x'],
    ['a URL that already has a port', 'http://127.0.0.1:43125', `wss://127.0.0.1:9999${CHAT_SOCKET_PATH}`],
    [
      'a path that only starts like the chat path',
      'http://127.0.0.1:43125',
      `wss://127.0.0.1${CHAT_SOCKET_PATH}x`,
    ],
    ['a non-http base URL', 'file:///app/index.html', sdkUrl('127.0.0.1')],
    ['an unparsable base URL', 'not a url', sdkUrl('127.0.0.1')],
    ['an unparsable socket URL', 'http://127.0.0.1:43125', '::nonsense::'],
  ])('leaves %s unchanged', (_case, base, url) => {
    expect(correctChatSocketUrl(base, url)).toBe(url)
  })
})

class FakeWebSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  readonly url: string
  constructor(
    url: string | URL,
    readonly protocols?: string | string[],
  ) {
    this.url = String(url)
  }
}

function fakeGlobal(): { WebSocket: typeof WebSocket } {
  return { WebSocket: FakeWebSocket as unknown as typeof WebSocket }
}

describe('installChatSocketUrlFix', () => {
  it('rewrites the chat URL for sockets created afterwards, and nothing else', () => {
    const target = fakeGlobal()
    installChatSocketUrlFix('http://127.0.0.1:5000', target)
    const chat = new target.WebSocket(sdkUrl('127.0.0.1'))
    const other = new target.WebSocket('ws://127.0.0.1:5000/rtc', ['proto'])
    expect(chat.url).toBe(`ws://127.0.0.1:5000${CHAT_SOCKET_PATH}${QUERY}`)
    expect(other.url).toBe('ws://127.0.0.1:5000/rtc')
    expect((other as unknown as FakeWebSocket).protocols).toEqual(['proto'])
  })

  it('keeps static constants, instanceof and the class name', () => {
    const target = fakeGlobal()
    installChatSocketUrlFix('http://127.0.0.1:5000', target)
    expect(target.WebSocket.OPEN).toBe(1)
    expect(target.WebSocket.CLOSED).toBe(3)
    expect(target.WebSocket.name).toBe('FakeWebSocket')
    const socket = new target.WebSocket('ws://x/')
    expect(socket).toBeInstanceOf(FakeWebSocket)
    expect(socket).toBeInstanceOf(target.WebSocket)
  })

  it('is idempotent: installing twice wraps once and only updates the base URL', () => {
    const target = fakeGlobal()
    installChatSocketUrlFix('http://127.0.0.1:5000', target)
    const wrapped = target.WebSocket
    installChatSocketUrlFix('http://127.0.0.1:6000', target)
    expect(target.WebSocket).toBe(wrapped)
    expect(Object.getPrototypeOf(target.WebSocket)).toBe(FakeWebSocket)
    expect(new target.WebSocket(sdkUrl('127.0.0.1')).url).toBe(
      `ws://127.0.0.1:6000${CHAT_SOCKET_PATH}${QUERY}`,
    )
  })

  it('is reversible', () => {
    const target = fakeGlobal()
    const uninstall = installChatSocketUrlFix('http://127.0.0.1:5000', target)
    uninstall()
    expect(target.WebSocket).toBe(FakeWebSocket)
    expect(new target.WebSocket(sdkUrl('127.0.0.1')).url).toBe(sdkUrl('127.0.0.1'))
    uninstall()
    expect(target.WebSocket).toBe(FakeWebSocket)
    installChatSocketUrlFix('http://127.0.0.1:7000', target)
    expect(new target.WebSocket(sdkUrl('127.0.0.1')).url).toBe(
      `ws://127.0.0.1:7000${CHAT_SOCKET_PATH}${QUERY}`,
    )
  })

  it('does not clobber a WebSocket someone else installed after it', () => {
    const target = fakeGlobal()
    const uninstall = installChatSocketUrlFix('http://127.0.0.1:5000', target)
    class Later extends FakeWebSocket {}
    target.WebSocket = Later as unknown as typeof WebSocket
    uninstall()
    expect(target.WebSocket).toBe(Later)
  })
})
