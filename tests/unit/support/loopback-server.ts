import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

export interface RecordedRequest {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  body: string
}

export interface LoopbackServer {
  baseUrl: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

type Handler = (request: RecordedRequest, response: ServerResponse, raw: IncomingMessage) => void

/** Real HTTP servers on 127.0.0.1, port 0, each closed (connections included) after every test. */
export function useLoopbackServers(): (handler: Handler) => Promise<LoopbackServer> {
  const open: LoopbackServer[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()))
  })
  return async (handler) => {
    const requests: RecordedRequest[] = []
    const server = createServer((raw, response) => {
      const chunks: Buffer[] = []
      raw.on('data', (chunk: Buffer) => chunks.push(chunk))
      raw.on('end', () => {
        const request = {
          method: raw.method,
          url: raw.url,
          headers: raw.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }
        requests.push(request)
        handler(request, response, raw)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    let closed = false
    const handle: LoopbackServer = {
      baseUrl: `http://127.0.0.1:${port}`,
      port,
      requests,
      close: () =>
        new Promise<void>((resolve) => {
          if (closed) return resolve()
          closed = true
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    }
    open.push(handle)
    return handle
  }
}

/** A port that was just free: a server listened on it and closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
