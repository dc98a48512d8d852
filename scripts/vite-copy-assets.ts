import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
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
