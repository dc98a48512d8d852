import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A fake OpenAI-compatible server on loopback for unit, end-to-end and benchmark runs: speech-to-text that
 * answers a fixed transcript, chat completions streamed as SSE at a set token rate, and text to speech as real
 * 24 kHz PCM after a set first-byte delay, with fault modes.
 * Only node:http, so vitest, Playwright and scripts/bench can all import it.
 */

export type FakeOpenAiFault = 'none' | 'hang' | '500' | '401' | '429' | 'drop-mid-stream' | 'slow'

export interface FakeChatMessage {
  role: string
  content: unknown
}

export interface FakeOpenAiOptions {
  /** Streaming rate of chat answers. */
  tokensPerSecond: number
  answer: string | ((messages: FakeChatMessage[]) => string)
  transcript: string | ((wav: Buffer) => string)
  transcriptionDelayMs: number
  /** Text to speech: from the request to the first byte of audio. */
  speechFirstByteDelayMs: number
  /** Text to speech: audio length per character of input (a tone, so tests can check length and format). */
  speechMsPerChar: number
  /** From the request to the first content chunk (the role chunk goes out at once, as OpenAI does). */
  firstTokenDelayMs: number
  /**
   * - `hang`: accepts the request and never answers.
   * - `500`, `401`, `429`: answers with that status and an OpenAI-style error body (429 with `retry-after: 2`).
   * - `drop-mid-stream`: chat sends half the answer, then destroys the connection; transcription destroys it
   *   before answering; speech sends half the audio, then destroys it.
   * - `slow`: chat streams one token per second whatever `tokensPerSecond` says; transcription takes at least
   *   5 s; speech's first byte comes after at least 5 s.
   */
  fault: FakeOpenAiFault
  /** Which endpoint the fault applies to; `both` means every endpoint (the name predates speech). */
  faultOn: 'both' | 'chat' | 'transcription' | 'speech'
}

export interface RecordedRequest {
  method: string
  path: string
  /** Every header except `authorization`, whose bearer value is in `apiKey`. */
  headers: IncomingHttpHeaders
  apiKey: string | undefined
  /** JSON bodies, parsed. */
  body?: unknown
  /** Multipart text fields (e.g. `model`) and files (e.g. `file`). */
  fields?: Record<string, string>
  files?: Record<string, { filename: string; contentType: string; data: Buffer }>
  receivedAt: number
  /** When the whole response had been handed to the socket (unset while it runs, or if it never finished). */
  completedAt?: number
  /** The connection closed before the response was complete: the client aborted, or a fault dropped it. */
  closedBeforeEnd: boolean
}

export interface FakeOpenAi {
  /** `http://127.0.0.1:PORT/v1`, ready for the SDK's `baseURL` or `llm.baseUrl`. */
  baseUrl: string
  requests: RecordedRequest[]
  /** The `messages` of every chat completion request, in order. */
  chatMessages(): FakeChatMessage[][]
  /** Resolves with the next (or an already recorded, not yet awaited) request on that path. */
  nextRequest(
    path: '/v1/chat/completions' | '/v1/audio/transcriptions' | '/v1/audio/speech',
  ): Promise<RecordedRequest>
  setOptions(options: Partial<FakeOpenAiOptions>): void
  /** Ends every open connection (hanging ones too) and stops listening. */
  close(): Promise<void>
}

export const DEFAULT_FAKE_OPENAI_OPTIONS: FakeOpenAiOptions = {
  tokensPerSecond: 50,
  answer: 'Hello! I am the fake assistant. How can I help you today?',
  transcript: 'What are your opening hours?',
  transcriptionDelayMs: 0,
  speechFirstByteDelayMs: 0,
  speechMsPerChar: 60,
  firstTokenDelayMs: 0,
  fault: 'none',
  faultOn: 'both',
}

const SLOW_TOKEN_INTERVAL_MS = 1000
const SLOW_TRANSCRIPTION_MS = 5000
const SLOW_SPEECH_FIRST_BYTE_MS = 5000

/** OpenAI's `response_format: 'pcm'`: 24 kHz, 16-bit signed little-endian, mono. */
export const FAKE_SPEECH_SAMPLE_RATE = 24_000
const MIN_SPEECH_MS = 200

/** The fake's speech for a text: a quiet 440 Hz tone, `msPerChar` per character (at least 200 ms). */
export function fakeSpeechPcm(text: string, msPerChar: number): Buffer {
  const durationMs = Math.max(MIN_SPEECH_MS, text.length * msPerChar)
  const samples = Math.round((durationMs / 1000) * FAKE_SPEECH_SAMPLE_RATE)
  const pcm = Buffer.alloc(samples * 2)
  for (let index = 0; index < samples; index += 1) {
    const value = Math.sin((2 * Math.PI * 440 * index) / FAKE_SPEECH_SAMPLE_RATE) * 0.3 * 32767
    pcm.writeInt16LE(Math.round(value), index * 2)
  }
  return pcm
}

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`
const TOKEN_PATTERN = new RegExp(String.raw`\s+|[${CJK}]|[^\s${CJK}]+\s*`, 'gu')

/**
 * Splits an answer the way the fake streams it: each word with its following whitespace, CJK one character
 * at a time (those scripts have no spaces). Joining the tokens gives the answer back unchanged.
 */
export function splitIntoTokens(answer: string): string[] {
  return answer.match(TOKEN_PATTERN) ?? []
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

interface MultipartBody {
  fields: Record<string, string>
  files: Record<string, { filename: string; contentType: string; data: Buffer }>
}

/** Just enough multipart/form-data parsing for the SDK's uploads: no nesting, no transfer encodings. */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  const result: MultipartBody = { fields: {}, files: {} }
  const marker = boundary?.[1] ?? boundary?.[2]
  if (!marker) return result
  const delimiter = Buffer.from(`--${marker}`)
  let start = body.indexOf(delimiter)
  while (start !== -1) {
    const partStart = start + delimiter.length
    if (body.subarray(partStart, partStart + 2).toString() === '--') break
    const next = body.indexOf(delimiter, partStart)
    if (next === -1) break
    // Each part is CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(partStart + 2, next - 2)
    const split = part.indexOf('\r\n\r\n')
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8')
      const content = part.subarray(split + 4)
      const name = /name="([^"]*)"/i.exec(headers)?.[1]
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1]
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream'
      if (name !== undefined && filename !== undefined) {
        result.files[name] = { filename, contentType: type.trim(), data: Buffer.from(content) }
      } else if (name !== undefined) {
        result.fields[name] = content.toString('utf8')
      }
    }
    start = next
  }
  return result
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

const FAULT_RESPONSES = {
  '500': { status: 500, type: 'server_error', message: 'The fake server failed on purpose.' },
  '401': { status: 401, type: 'invalid_request_error', message: 'Incorrect API key provided.' },
  '429': { status: 429, type: 'rate_limit_error', message: 'Rate limit reached.' },
} as const

function sendFault(response: ServerResponse, fault: keyof typeof FAULT_RESPONSES): void {
  const { status, type, message } = FAULT_RESPONSES[fault]
  sendJson(
    response,
    status,
    { error: { message, type, param: null, code: fault === '401' ? 'invalid_api_key' : null } },
    fault === '429' ? { 'retry-after': '2' } : {},
  )
}

export async function startFakeOpenAi(initial: Partial<FakeOpenAiOptions> = {}): Promise<FakeOpenAi> {
  let options: FakeOpenAiOptions = { ...DEFAULT_FAKE_OPENAI_OPTIONS, ...initial }
  const requests: RecordedRequest[] = []
  const waiters: { path: string; resolve: (request: RecordedRequest) => void }[] = []
  const handedOut = new Set<RecordedRequest>()

  const record = (entry: RecordedRequest) => {
    requests.push(entry)
    const waiter = waiters.findIndex((candidate) => candidate.path === entry.path)
    if (waiter !== -1) {
      handedOut.add(entry)
      waiters.splice(waiter, 1)[0]?.resolve(entry)
    }
  }

  const faultFor = (endpoint: 'chat' | 'transcription' | 'speech'): FakeOpenAiFault =>
    options.faultOn === 'both' || options.faultOn === endpoint ? options.fault : 'none'

  const pending = new WeakMap<ServerResponse, NodeJS.Timeout>()
  /** One timer per response, cleared with its connection, so a closed client or server leaves nothing running. */
  const later = (response: ServerResponse, ms: number, action: () => void) => {
    if (!pending.has(response)) response.on('close', () => clearTimeout(pending.get(response)))
    pending.set(response, setTimeout(action, ms))
  }

  async function handleTranscription(
    request: IncomingMessage,
    response: ServerResponse,
    entry: RecordedRequest,
  ) {
    const body = await readBody(request)
    const multipart = parseMultipart(body, request.headers['content-type'] ?? '')
    entry.fields = multipart.fields
    entry.files = multipart.files
    record(entry)
    const fault = faultFor('transcription')
    if (fault === 'hang') return
    if (fault === 'drop-mid-stream') return void request.socket.destroy()
    if (fault === '500' || fault === '401' || fault === '429') return sendFault(response, fault)
    const file = multipart.files.file
    if (!file || !multipart.fields.model) {
      return sendJson(response, 400, {
        error: { message: 'file and model are required', type: 'invalid_request_error' },
      })
    }
    const delay =
      fault === 'slow'
        ? Math.max(options.transcriptionDelayMs, SLOW_TRANSCRIPTION_MS)
        : options.transcriptionDelayMs
    const transcript =
      typeof options.transcript === 'function' ? options.transcript(file.data) : options.transcript
    later(response, delay, () => sendJson(response, 200, { text: transcript }))
  }

  async function handleSpeech(request: IncomingMessage, response: ServerResponse, entry: RecordedRequest) {
    let body: { model?: unknown; input?: unknown; voice?: unknown; response_format?: unknown }
    try {
      body = JSON.parse((await readBody(request)).toString('utf8')) as typeof body
    } catch {
      record(entry)
      return sendJson(response, 400, {
        error: { message: 'Body is not JSON', type: 'invalid_request_error' },
      })
    }
    entry.body = body
    record(entry)
    const fault = faultFor('speech')
    if (fault === 'hang') return
    if (fault === '500' || fault === '401' || fault === '429') return sendFault(response, fault)
    if (typeof body.input !== 'string' || typeof body.model !== 'string' || typeof body.voice !== 'string') {
      return sendJson(response, 400, {
        error: { message: 'model, voice and input are required', type: 'invalid_request_error' },
      })
    }
    if (body.response_format !== 'pcm') {
      return sendJson(response, 400, {
        error: { message: 'the fake only speaks pcm', type: 'invalid_request_error' },
      })
    }
    const pcm = fakeSpeechPcm(body.input, options.speechMsPerChar)
    const delay =
      fault === 'slow'
        ? Math.max(options.speechFirstByteDelayMs, SLOW_SPEECH_FIRST_BYTE_MS)
        : options.speechFirstByteDelayMs
    later(response, delay, () => {
      response.writeHead(200, { 'Content-Type': 'audio/pcm', 'Transfer-Encoding': 'chunked' })
      if (fault === 'drop-mid-stream') {
        // Whole samples, then the connection breaks before the end.
        response.write(pcm.subarray(0, Math.floor(pcm.length / 4) * 2))
        return void later(response, 20, () => response.socket?.destroy())
      }
      response.end(pcm)
    })
  }

  async function handleChat(request: IncomingMessage, response: ServerResponse, entry: RecordedRequest) {
    const raw = (await readBody(request)).toString('utf8')
    let body: { model?: unknown; messages?: unknown; stream?: unknown }
    try {
      body = JSON.parse(raw) as typeof body
    } catch {
      record(entry)
      return sendJson(response, 400, {
        error: { message: 'Body is not JSON', type: 'invalid_request_error' },
      })
    }
    entry.body = body
    record(entry)
    const fault = faultFor('chat')
    if (fault === 'hang') return
    if (fault === '500' || fault === '401' || fault === '429') return sendFault(response, fault)
    const messages = Array.isArray(body.messages) ? (body.messages as FakeChatMessage[]) : []
    const answer = typeof options.answer === 'function' ? options.answer(messages) : options.answer
    const model = typeof body.model === 'string' ? body.model : 'fake-model'
    const id = `chatcmpl-fake-${requests.length}`
    const created = Math.floor(Date.now() / 1000)

    if (body.stream !== true) {
      return later(response, options.firstTokenDelayMs, () =>
        sendJson(response, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        }),
      )
    }

    const chunk = (delta: Record<string, string>, finish: string | null = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    response.write(chunk({ role: 'assistant', content: '' }))

    const tokens = splitIntoTokens(answer)
    const dropAt = fault === 'drop-mid-stream' ? Math.floor(tokens.length / 2) : Infinity
    const interval =
      fault === 'slow' ? SLOW_TOKEN_INTERVAL_MS : 1000 / Math.max(0.001, options.tokensPerSecond)
    const started = performance.now()
    let index = 0
    const sendNext = () => {
      if (response.destroyed) return
      if (index >= dropAt) return void response.socket?.destroy()
      if (index >= tokens.length) {
        response.write(chunk({}, 'stop'))
        response.end('data: [DONE]\n\n')
        return
      }
      response.write(chunk({ content: tokens[index] ?? '' }))
      index += 1
      // Scheduled against the start, so timer lateness on a busy machine does not add up over the answer.
      const due = options.firstTokenDelayMs + index * interval
      later(response, Math.max(0, due - (performance.now() - started)), sendNext)
    }
    later(response, options.firstTokenDelayMs, sendNext)
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const { authorization, ...headers } = request.headers
    const entry: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      headers,
      apiKey: /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1],
      receivedAt: Date.now(),
      closedBeforeEnd: false,
    }
    response.on('finish', () => {
      entry.completedAt = Date.now()
    })
    response.on('close', () => {
      if (!response.writableFinished) entry.closedBeforeEnd = true
    })
    const fail = (error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, { error: { message: String(error), type: 'fake_bug' } })
    }
    if (request.method === 'POST' && url.pathname === '/v1/audio/transcriptions') {
      return void handleTranscription(request, response, entry).catch(fail)
    }
    if (request.method === 'POST' && url.pathname === '/v1/chat/completions') {
      return void handleChat(request, response, entry).catch(fail)
    }
    if (request.method === 'POST' && url.pathname === '/v1/audio/speech') {
      return void handleSpeech(request, response, entry).catch(fail)
    }
    record(entry)
    if (request.method === 'GET' && url.pathname === '/v1/models') {
      return sendJson(response, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model' }] })
    }
    sendJson(response, 404, { error: { message: `No route ${url.pathname}`, type: 'invalid_request_error' } })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    chatMessages: () =>
      requests
        .filter((entry) => entry.path === '/v1/chat/completions')
        .map((entry) => (entry.body as { messages?: FakeChatMessage[] } | undefined)?.messages ?? []),
    nextRequest: (path) => {
      const waiting = requests.find((entry) => entry.path === path && !handedOut.has(entry))
      if (waiting) {
        handedOut.add(waiting)
        return Promise.resolve(waiting)
      }
      return new Promise((resolve) => waiters.push({ path, resolve }))
    },
    setOptions: (partial) => {
      options = { ...options, ...partial }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
