/**
 * The worker thread that runs espeak-ng's WebAssembly build. It is plain JavaScript in a string, started with
 * `new Worker(source, { eval: true })`, because the same code must run unchanged under tsx, vitest and the
 * electron-vite bundle, and none of them agree on how to emit a separate worker file.
 *
 * The package's Emscripten glue only exposes `main` through its `arguments` option, which would mean a new
 * instance (about 170 ms of memory and data-file set-up) per sentence. Instead the worker instantiates once,
 * keeps a copy of the linear memory taken right after start-up, and before each call puts that copy back:
 * every C global (getopt's optind, espeak's voice and option state, the heap) is then exactly as a fresh
 * process would see it, for one memcpy of 32 MB. The stack pointer is a wasm global, not memory, so it is
 * saved and restored around each call. Text goes in through a file, never argv, so it is never an option.
 *
 * Protocol: workerData { scriptUrl, wasmPath }; the worker posts { type: 'ready' } or
 * { type: 'failed', error }; requests { id, args, text } get { type: 'result', id, code, wav, stderr }.
 */
export const ESPEAK_WORKER_SOURCE = String.raw`
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')

const INPUT = '/tmp/avatar-kiosk-input.txt'
const OUTPUT = '/tmp/avatar-kiosk-output.wav'

async function boot() {
  const { default: factory } = await import(workerData.scriptUrl)
  const compiled = await WebAssembly.compile(readFileSync(workerData.wasmPath))
  return async function instantiate() {
    const stderr = []
    let instance
    let failInstantiation
    const failed = new Promise((_, reject) => (failInstantiation = reject))
    const module = await Promise.race([
      factory({
        noInitialRun: true,
        print: () => {},
        printErr: (line) => stderr.push(String(line)),
        instantiateWasm: (imports, receive) => {
          WebAssembly.instantiate(compiled, imports).then((created) => {
            instance = created
            receive(created, compiled)
          }, failInstantiation)
          return {}
        },
      }),
      failed,
    ])
    const exports = instance.exports
    return { module, exports, stderr, snapshot: new Uint8Array(exports.memory.buffer).slice() }
  }
}

function callMain(exports, argv) {
  const top = exports.stackSave()
  try {
    const encoder = new TextEncoder()
    const pointers = argv.map((arg) => {
      const bytes = encoder.encode(arg + '\0')
      const pointer = exports.stackAlloc(bytes.length)
      new Uint8Array(exports.memory.buffer).set(bytes, pointer)
      return pointer
    })
    const table = exports.stackAlloc((pointers.length + 1) * 4)
    const view = new DataView(exports.memory.buffer)
    pointers.forEach((pointer, index) => view.setUint32(table + 4 * index, pointer, true))
    view.setUint32(table + 4 * pointers.length, 0, true)
    return exports.__main_argc_argv(pointers.length, table)
  } catch (error) {
    // exit(n) inside espeak-ng unwinds as Emscripten's ExitStatus; anything else is a real failure.
    if (error && error.name === 'ExitStatus') return error.status
    throw error
  } finally {
    exports.stackRestore(top)
  }
}

function run(state, args, text) {
  const { module, exports, snapshot, stderr } = state
  new Uint8Array(exports.memory.buffer).set(snapshot)
  stderr.length = 0
  module.FS.writeFile(INPUT, text)
  try { module.FS.unlink(OUTPUT) } catch {}
  const code = callMain(exports, ['espeak-ng', ...args, '-w', OUTPUT, '-f', INPUT])
  // Files the C side left open would otherwise pile up in the JS file table across calls.
  for (const stream of module.FS.streams) if (stream && stream.fd > 2) module.FS.close(stream)
  let wav = null
  if (code === 0) {
    try { wav = module.FS.readFile(OUTPUT) } catch {}
  }
  try { module.FS.unlink(OUTPUT) } catch {}
  const message = stderr.filter((line) => !line.startsWith('program exited')).join('\n')
  return { code, wav, stderr: message }
}

const engine = boot().then(async (instantiate) => ({ instantiate, state: await instantiate() }))
engine.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (error) => parentPort.postMessage({ type: 'failed', error: String((error && error.stack) || error) }),
)

parentPort.on('message', async (request) => {
  const current = await engine
  try {
    const result = run(current.state, request.args, request.text)
    parentPort.postMessage({ type: 'result', id: request.id, ...result }, result.wav ? [result.wav.buffer] : [])
  } catch (error) {
    // A trap or abort() leaves the instance unusable: start a fresh one from the compiled module.
    current.state = await current.instantiate()
    parentPort.postMessage({ type: 'result', id: request.id, code: -1, wav: null, stderr: String(error) })
  }
})
`
