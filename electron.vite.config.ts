import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { copyAssets, FACE_DETECTOR_FOLDER, faceDetectorModelFiles } from './scripts/vite-copy-assets'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // One build serves both hosts: the Electron shell, and the same services under plain Node (web host,
        // sandbox), so the web host never runs code that the desktop app does not.
        input: {
          index: resolve(root, 'src/main/index.ts'),
          web: resolve(root, 'src/main/web/cli.ts'),
          sandbox: resolve(root, 'src/sandbox/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load ESM or require node_modules: bundle everything into one CJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    base: './',
    resolve: {
      alias: {
        // protobufjs compiles its codecs with `new Function`, which the renderer's CSP forbids; the SDK only
        // needs it for voice-chat frames, so an eval-free implementation of the same API stands in.
        protobufjs: resolve(root, 'src/renderer/src/provider/csp-safe-protobuf.ts'),
      },
    },
    plugins: [
      // Silero VAD (our-own-LLM mode) runs on onnxruntime-web's single-threaded WebAssembly build.
      copyAssets('vad', [
        resolve(root, 'node_modules/@ricky0123/vad-web/dist/vad.worklet.bundle.min.js'),
        resolve(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx'),
        resolve(root, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'),
        resolve(root, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs'),
      ]),
      // Camera wake: face-api's tiny face detector, served from our own origin (src/renderer/src/presence).
      copyAssets(FACE_DETECTOR_FOLDER, faceDetectorModelFiles(root)),
    ],
    build: {
      rollupOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
})
