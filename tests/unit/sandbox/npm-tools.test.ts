import { execFileSync } from 'node:child_process'
import { createSocket, type Socket } from 'node:dgram'
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHARACTER_LOOKS } from '../../../src/sandbox/media/character'
import { Encoder } from '../../../src/sandbox/media/encoder'
import { AUDIO_SAMPLE_RATE, audioEncoderArgs, videoEncoderArgs } from '../../../src/sandbox/media/ffmpeg-args'
import { renderFrameSet } from '../../../src/sandbox/media/frames'
import { rmsOf } from '../../../src/sandbox/media/mouth'
import { VIDEO_PROFILES } from '../../../src/sandbox/media/quality'
import type { LogLevel } from '../../../src/sandbox/options'
import { checkPrerequisites, SandboxPrerequisiteError } from '../../../src/sandbox/prerequisites'
import { ProcessRegistry } from '../../../src/sandbox/processes'
import { synthesize } from '../../../src/sandbox/speech/tts'
import { EspeakWasm, npmEspeakFiles } from '../../../src/sandbox/tools/espeak-wasm'
import { ensureExecutable, ffmpegCandidates, npmFfmpeg } from '../../../src/sandbox/tools/ffmpeg-path'
import {
  asarUnpacked,
  findOnPath,
  parseToolOverride,
  toolCandidates,
} from '../../../src/sandbox/tools/locate'
import { espeakCandidates, selectedEspeak, selectedFfmpeg } from '../../../src/sandbox/tools/selection'

/**
 * The sandbox's media tools from npm: resolution order with fake paths, then the real npm ffmpeg and the real
 * espeak-ng WebAssembly build, forced through the same environment overrides a machine without apt uses.
 */

let scratch: string
const NPM_ONLY = { PATH: '', AVATAR_KIOSK_FFMPEG: 'npm', AVATAR_KIOSK_ESPEAK: 'npm' }

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'npm-tools-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function fakeProgram(directory: string, name: string, script = '#!/bin/sh\nexit 0\n'): string {
  const path = join(directory, name)
  writeFileSync(path, script)
  chmodSync(path, 0o755)
  return path
}

function collectingLog(): { lines: string[]; log: (level: LogLevel, msg: string, ctx?: object) => void } {
  const lines: string[] = []
  return { lines, log: (level, msg, ctx) => lines.push(`${level} ${msg} ${ctx ? JSON.stringify(ctx) : ''}`) }
}

describe('tool resolution', () => {
  it('reads overrides: a path, `npm` (any case), or nothing', () => {
    expect(parseToolOverride(undefined)).toBeUndefined()
    expect(parseToolOverride('  ')).toBeUndefined()
    expect(parseToolOverride('NPM')).toEqual({ kind: 'npm' })
    expect(parseToolOverride(' /opt/ffmpeg ')).toEqual({ kind: 'path', path: '/opt/ffmpeg' })
  })

  it('orders system before npm, and lets an override stand alone', () => {
    const system = '/usr/bin/ffmpeg'
    const npm = '/app/node_modules/@ffmpeg-installer/linux-x64/ffmpeg'
    expect(toolCandidates({ override: undefined, system, npm })).toEqual([
      { source: 'system', path: system },
      { source: 'npm', path: npm },
    ])
    expect(toolCandidates({ override: undefined, system: undefined, npm })).toEqual([
      { source: 'npm', path: npm },
    ])
    expect(toolCandidates({ override: { kind: 'npm' }, system, npm })).toEqual([{ source: 'npm', path: npm }])
    expect(toolCandidates({ override: { kind: 'npm' }, system, npm: undefined })).toEqual([])
    expect(toolCandidates({ override: { kind: 'path', path: '/x/ff' }, system, npm })).toEqual([
      { source: 'override', path: '/x/ff' },
    ])
  })

  it('finds executables on PATH like `which`, skipping non-executable files and empty entries', () => {
    const first = mkdtempSync(join(scratch, 'a-'))
    const second = mkdtempSync(join(scratch, 'b-'))
    writeFileSync(join(first, 'ffmpeg'), 'not executable')
    const real = fakeProgram(second, 'ffmpeg')
    expect(findOnPath('ffmpeg', { PATH: ['', first, second].join(':') })).toBe(real)
    expect(findOnPath('ffmpeg', { PATH: first })).toBeUndefined()
    expect(findOnPath('ffmpeg', {})).toBeUndefined()
    const seen: string[] = []
    const found = findOnPath(
      'espeak-ng',
      { PATH: 'C:\\tools;D:\\bin', PATHEXT: '.EXE;.CMD' },
      (path) => (seen.push(path), path.endsWith('.CMD')),
      'win32',
    )
    expect(seen[0]).toMatch(/C:\\tools.espeak-ng\.EXE$/)
    expect(found).toMatch(/C:\\tools.espeak-ng\.CMD$/)
  })

  it('resolves ffmpeg: override, else PATH, else npm', () => {
    const bin = mkdtempSync(join(scratch, 'bin-'))
    const system = fakeProgram(bin, 'ffmpeg')
    const npm = (): string => '/fake/node_modules/@ffmpeg-installer/linux-x64/ffmpeg'
    expect(ffmpegCandidates({ PATH: bin }, npm).map((c) => c.source)).toEqual(['system', 'npm'])
    expect(ffmpegCandidates({ PATH: bin }, npm)[0]?.path).toBe(system)
    expect(ffmpegCandidates({ PATH: '' }, npm)).toEqual([{ source: 'npm', path: npm() }])
    expect(ffmpegCandidates({ PATH: bin, AVATAR_KIOSK_FFMPEG: 'npm' }, npm)).toEqual([
      { source: 'npm', path: npm() },
    ])
    expect(ffmpegCandidates({ PATH: bin, AVATAR_KIOSK_FFMPEG: '/opt/ff' }, npm)).toEqual([
      { source: 'override', path: '/opt/ff' },
    ])
  })

  it('resolves espeak-ng: the binary on PATH, else the npm WebAssembly build', () => {
    const bin = mkdtempSync(join(scratch, 'bin-'))
    const system = fakeProgram(bin, 'espeak-ng')
    const files = { script: '/fake/espeak-ng.js', wasm: '/fake/espeak-ng.wasm' }
    expect(espeakCandidates({ PATH: bin }, () => files)).toEqual([
      { kind: 'binary', source: 'system', path: system },
      { kind: 'wasm', source: 'npm', files },
    ])
    expect(espeakCandidates({ PATH: bin, AVATAR_KIOSK_ESPEAK: 'npm' }, () => files)).toEqual([
      { kind: 'wasm', source: 'npm', files },
    ])
    expect(espeakCandidates({ PATH: bin, AVATAR_KIOSK_ESPEAK: '/opt/espeak' }, () => files)).toEqual([
      { kind: 'binary', source: 'override', path: '/opt/espeak' },
    ])
    expect(espeakCandidates({ PATH: '' }, () => undefined)).toEqual([])
  })

  it('maps files inside app.asar to app.asar.unpacked, and nothing else', () => {
    expect(
      asarUnpacked('/opt/Avatar Kiosk/resources/app.asar/node_modules/espeak-ng/dist/espeak-ng.js'),
    ).toBe('/opt/Avatar Kiosk/resources/app.asar.unpacked/node_modules/espeak-ng/dist/espeak-ng.js')
    expect(
      asarUnpacked('C:\\Program Files\\Avatar Kiosk\\resources\\app.asar\\node_modules\\x\\ffmpeg.exe'),
    ).toBe('C:\\Program Files\\Avatar Kiosk\\resources\\app.asar.unpacked\\node_modules\\x\\ffmpeg.exe')
    const unpacked = '/r/app.asar.unpacked/node_modules/@ffmpeg-installer/linux-x64/ffmpeg'
    expect(asarUnpacked(unpacked)).toBe(unpacked)
    expect(asarUnpacked('/home/me/my.asarfile/ffmpeg')).toBe('/home/me/my.asarfile/ffmpeg')
  })

  it('restores a lost executable bit instead of trusting install scripts', () => {
    const path = join(scratch, 'no-exec-ffmpeg')
    writeFileSync(path, '#!/bin/sh\n')
    chmodSync(path, 0o644)
    expect(ensureExecutable(path)).toBe(path)
    expect(statSync(path).mode & 0o111).not.toBe(0)
    expect(ensureExecutable(join(scratch, 'missing'))).toBeUndefined()
  })
})

describe('checkPrerequisites', () => {
  it('falls back from a broken system ffmpeg to npm, says so, and logs the choice', async () => {
    const bin = mkdtempSync(join(scratch, 'bin-'))
    fakeProgram(bin, 'ffmpeg', '#!/bin/sh\nexit 1\n')
    const { lines, log } = collectingLog()
    const tools = await checkPrerequisites('vp8', log, { PATH: bin, AVATAR_KIOSK_ESPEAK: 'npm' })
    expect(tools.ffmpeg).toEqual({ source: 'npm', path: npmFfmpeg()?.path })
    expect(tools.espeak.kind).toBe('wasm')
    expect(
      lines.some((line) => line.startsWith('warn ffmpeg: system') && line.includes('does not run')),
    ).toBe(true)
    expect(lines.some((line) => line.startsWith('info sandbox media tools') && line.includes('npm'))).toBe(
      true,
    )
    expect(selectedFfmpeg()).toEqual(tools.ffmpeg)
    expect(selectedEspeak()).toEqual(tools.espeak)
  })

  it('fails with a clear message only when no source works', async () => {
    const attempt = checkPrerequisites('vp8', undefined, {
      PATH: '',
      AVATAR_KIOSK_FFMPEG: join(scratch, 'no-such-ffmpeg'),
      AVATAR_KIOSK_ESPEAK: 'npm',
    })
    await expect(attempt).rejects.toBeInstanceOf(SandboxPrerequisiteError)
    await expect(attempt).rejects.toThrow(
      /No usable ffmpeg .*no-such-ffmpeg does not run.*AVATAR_KIOSK_FFMPEG/,
    )
  })

  it('accepts the npm ffmpeg for H.264 too (libx264, rtp muxer)', async () => {
    const tools = await checkPrerequisites('h264', undefined, NPM_ONLY)
    expect(tools.ffmpeg.source).toBe('npm')
  })
})

interface RtpPacket {
  payloadType: number
  marker: boolean
  timestamp: number
  payload: Buffer
}

async function rtpListener(): Promise<{ socket: Socket; port: number; packets: RtpPacket[] }> {
  const socket = createSocket('udp4')
  const packets: RtpPacket[] = []
  socket.on('message', (message: Buffer) => {
    if (message.length < 12 || message[0]! >> 6 !== 2) return
    const payloadType = message[1]! & 0x7f
    if (payloadType >= 72 && payloadType <= 76) return // RTCP on the same port
    packets.push({
      payloadType,
      marker: (message[1]! & 0x80) !== 0,
      timestamp: message.readUInt32BE(4),
      payload: message.subarray(12),
    })
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { socket, port: socket.address().port, packets }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
}

describe('npm ffmpeg with the sandbox encoder arguments', () => {
  const registry = new ProcessRegistry()
  const { lines, log } = collectingLog()

  beforeAll(async () => {
    const tools = await checkPrerequisites('vp8', log, NPM_ONLY)
    expect(tools.ffmpeg.source).toBe('npm')
    expect(selectedFfmpeg().path).toMatch(/@ffmpeg-installer[\\/][^\\/]+[\\/]ffmpeg(\.exe)?$/)
  })
  afterAll(() => registry.closeAll())

  it('encodes raw I420 frames to VP8 over RTP', async () => {
    const profile = VIDEO_PROFILES.low
    const rtp = await rtpListener()
    const encoder = new Encoder(registry, videoEncoderArgs('vp8', profile, rtp.port), 'video', log)
    const frames = renderFrameSet(profile.width, profile.height, CHARACTER_LOOKS.ada!)
    for (let i = 0; i < 25; i++) {
      encoder.write(frames.frame(i % 4 === 0 ? 3 : 0, 'open'))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await waitUntil(() => new Set(rtp.packets.map((p) => p.timestamp)).size >= 20, 10_000)
    await encoder.stop()
    rtp.socket.close()
    expect(rtp.packets.length).toBeGreaterThan(0)
    expect(new Set(rtp.packets.map((p) => p.payloadType))).toEqual(new Set([96]))
    expect(new Set(rtp.packets.map((p) => p.timestamp)).size).toBeGreaterThanOrEqual(20)
    // RFC 7741: the first packet of a frame has S=1 and PID 0; its VP8 frame tag's bit 0 clear marks a keyframe.
    const first = rtp.packets[0]!.payload
    expect(first[0]! & 0x10).toBe(0x10)
    const descriptorLength = 1 + (first[0]! & 0x80 ? 1 + extensionLength(first[1]!, first[2]!) : 0)
    expect(first[descriptorLength]! & 0x01).toBe(0)
    expect(lines.filter((line) => line.startsWith('warn video'))).toEqual([])
  })

  it('encodes s16le PCM to 20 ms Opus frames over RTP', async () => {
    const rtp = await rtpListener()
    const encoder = new Encoder(registry, audioEncoderArgs(rtp.port), 'audio', log)
    const second = new Int16Array(AUDIO_SAMPLE_RATE)
    for (let i = 0; i < second.length; i++)
      second[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / AUDIO_SAMPLE_RATE))
    for (let offset = 0; offset < second.length; offset += 9600) {
      encoder.write(new Uint8Array(second.buffer, offset * 2, 9600 * 2))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await waitUntil(() => rtp.packets.length >= 45, 10_000)
    await encoder.stop()
    rtp.socket.close()
    expect(rtp.packets.length).toBeGreaterThanOrEqual(45)
    expect(new Set(rtp.packets.map((p) => p.payloadType))).toEqual(new Set([111]))
    const steps = rtp.packets.slice(1).map((p, i) => (p.timestamp - rtp.packets[i]!.timestamp) >>> 0)
    expect(new Set(steps)).toEqual(new Set([960]))
    // Opus TOC byte: config 0..31; frame-size code 3 (20 ms) for every CELT/SILK/hybrid config used by libopus.
    expect(rtp.packets.every((p) => p.payload.length > 1)).toBe(true)
    expect(lines.filter((line) => line.startsWith('warn audio'))).toEqual([])
  })
})

/** VP8 payload descriptor extension (RFC 7741 §4.2): I, L, T/K bits add bytes; I with M adds two for PictureID. */
function extensionLength(flags: number, pictureIdByte: number): number {
  let length = 0
  if (flags & 0x80) length += pictureIdByte & 0x80 ? 2 : 1
  if (flags & 0x40) length += 1
  if (flags & 0x30) length += 1
  return length
}

describe('espeak-ng WebAssembly build', () => {
  const files = npmEspeakFiles()
  const wasm = { kind: 'wasm' as const, source: 'npm' as const, files: files! }
  const registry = new ProcessRegistry()
  const voice = { language: 'en-us', variant: 'f3' as const, rate: 1 }
  const sentence = 'Welcome to the hotel. How can I help you today?'

  it('is found in node_modules', () => {
    expect(files?.script).toMatch(/espeak-ng[\\/]dist[\\/]espeak-ng\.js$/)
    expect(files?.wasm).toMatch(/espeak-ng\.wasm$/)
  })

  it('speaks a sentence: 48 kHz PCM, audible, about as long as a person would take', async () => {
    const pcm = await synthesize(registry, sentence, voice, wasm)
    const seconds = pcm.length / AUDIO_SAMPLE_RATE
    expect(seconds).toBeGreaterThan(1.5)
    expect(seconds).toBeLessThan(6)
    expect(rmsOf(pcm)).toBeGreaterThan(0.02)
    // Slower speech is longer: the rate option reaches the module.
    const slow = await synthesize(registry, sentence, { ...voice, rate: 0.6 }, wasm)
    expect(slow.length).toBeGreaterThan(pcm.length * 1.3)
  })

  it('sounds like the Debian binary: same length within 10% when both exist', async (context) => {
    let hasBinary = true
    try {
      execFileSync('espeak-ng', ['--version'])
    } catch {
      hasBinary = false
    }
    if (!hasBinary) context.skip('no espeak-ng binary on this machine to compare with')
    const fromWasm = await synthesize(registry, sentence, voice, wasm)
    const fromBinary = await synthesize(registry, sentence, voice, {
      kind: 'binary',
      source: 'system',
      path: 'espeak-ng',
    })
    expect(Math.abs(fromWasm.length - fromBinary.length) / fromBinary.length).toBeLessThan(0.1)
  })

  it('falls back to English for a language it has no voice for', async () => {
    const pcm = await synthesize(registry, 'Hello', { ...voice, language: 'xx-yy' }, wasm)
    expect(rmsOf(pcm)).toBeGreaterThan(0.01)
  })

  it('gives the same audio for the same input, also after a failed call (state is reset per call)', async () => {
    const engine = new EspeakWasm(files!)
    try {
      const first = await engine.synthesize(['-v', 'de+m3'], 'Guten Tag')
      await expect(engine.synthesize(['-v', 'zz-qq'], 'x')).rejects.toThrow(/voice does not exist/)
      const results = await Promise.all([
        engine.synthesize(['-v', 'de+m3'], 'Guten Tag'),
        engine.synthesize(['-v', 'en-us'], 'one'),
        engine.synthesize(['-v', 'de+m3'], 'Guten Tag'),
      ])
      expect(results[0]!.equals(first)).toBe(true)
      expect(results[2]!.equals(first)).toBe(true)
      expect(results[1]!.equals(first)).toBe(false)
    } finally {
      await engine.close()
    }
  })

  it('bounds each call in time and recovers with a fresh worker', async () => {
    // About 700 ms of synthesis for the long text, about 40 ms for the short one (warm, idle machine).
    const engine = new EspeakWasm(files!, { timeoutMs: 300 })
    try {
      await engine.warmUp()
      const started = Date.now()
      await expect(engine.synthesize(['-v', 'en-us'], 'A long text. '.repeat(380))).rejects.toThrow(
        /longer than 300 ms/,
      )
      expect(Date.now() - started).toBeLessThan(2000)
      await expect(engine.synthesize(['-v', 'en-us'], 'still fine')).resolves.toBeInstanceOf(Buffer)
    } finally {
      await engine.close()
    }
  })

  it('unloads after being idle and loads again on the next call', async () => {
    const engine = new EspeakWasm(files!, { idleMs: 100 })
    try {
      await engine.synthesize(['-v', 'en-us'], 'one')
      expect(engine.loaded).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 400))
      expect(engine.loaded).toBe(false)
      await expect(engine.synthesize(['-v', 'en-us'], 'two')).resolves.toBeInstanceOf(Buffer)
      expect(engine.loaded).toBe(true)
    } finally {
      await engine.close()
    }
  })

  it('drops text beyond its bound before synthesis', async () => {
    const engine = new EspeakWasm(files!, { maxChars: 10 })
    try {
      const bounded = await engine.synthesize(['-v', 'en-us'], 'one two three four five six seven eight')
      const short = await engine.synthesize(
        ['-v', 'en-us'],
        'one two three four five six seven eight'.slice(0, 10),
      )
      expect(bounded.equals(short)).toBe(true)
    } finally {
      await engine.close()
    }
  })

  it('refuses new work once the sandbox is closing, like spawn does', async () => {
    const closing = new ProcessRegistry()
    await closing.closeAll()
    await expect(synthesize(closing, 'Hello', voice, wasm)).rejects.toThrow(/closing/)
  })
})
