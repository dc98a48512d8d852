import { resolve } from 'node:path'
import { build } from 'vite'
import {
  copyAssets,
  FACE_DETECTOR_FOLDER,
  faceDetectorModelFiles,
} from '../../../../scripts/vite-copy-assets'

const ROOT = resolve(import.meta.dirname, '../../../..')

/**
 * Builds the presence harness page with the same asset copy as the kiosk's renderer build, so the detector
 * loads its weights from `face/` on the page's own origin exactly as in the app.
 */
export async function buildPresenceHarness(name: string): Promise<string> {
  const outDir = resolve(ROOT, '.tmp/harness', name)
  await build({
    root: import.meta.dirname,
    base: './',
    logLevel: 'warn',
    configFile: false,
    plugins: [copyAssets(FACE_DETECTOR_FOLDER, faceDetectorModelFiles(ROOT))],
    build: { outDir, emptyOutDir: true, sourcemap: false, minify: false },
  })
  return outDir
}
