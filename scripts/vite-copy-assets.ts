import { readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Plugin } from 'vite'

/**
 * Emits files from node_modules into the renderer build under `folder/`, so the page loads them from its own
 * origin (our CSP allows nothing else): the voice-activity detector's model, worklet and WebAssembly runtime.
 */
export function copyAssets(folder: string, files: readonly string[]): Plugin {
  return {
    name: 'avatar-kiosk:copy-assets',
    apply: 'build',
    generateBundle() {
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: `${folder}/${basename(file)}`, source: readFileSync(file) })
      }
    },
  }
}

/** Where the camera-wake face detector's files are served from (`face/` next to index.html). */
export const FACE_DETECTOR_FOLDER = 'face'

/**
 * The tiny face detector's weights and manifest exactly as the @vladmandic/face-api npm tarball ships them
 * (`model/`); tests/unit/presence/face-assets.test.ts checks they are really there.
 */
export function faceDetectorModelFiles(root: string): string[] {
  return ['tiny_face_detector_model-weights_manifest.json', 'tiny_face_detector_model.bin'].map((file) =>
    resolve(root, 'node_modules/@vladmandic/face-api/model', file),
  )
}
