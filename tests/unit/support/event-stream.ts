import { request as httpRequest, type IncomingMessage } from 'node:http'

/** Opens the SSE stream and collects `data:` events as they arrive. */
export function openEvents(port: number, query: string) {
  const events: { name: string; payload: unknown }[] = []
  let response: IncomingMessage | undefined
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    path: `/api/events?${query}`,
    headers: { Host: `127.0.0.1:${port}`, Accept: 'text/event-stream' },
    agent: false,
  })
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', (incoming) => {
      response = incoming
      let buffer = ''
      incoming.setEncoding('utf8')
      incoming.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          for (const line of block.split('\n')) {
            if (line.startsWith('data: '))
              events.push(JSON.parse(line.slice(6)) as { name: string; payload: unknown })
          }
        }
      })
      resolve(incoming)
    })
    request.on('error', reject)
  })
  request.end()
  return {
    events,
    opened,
    close: () => {
      response?.destroy()
      request.destroy()
    },
  }
}
