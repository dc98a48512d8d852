import { readFileSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { UserConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { describe, expect, it } from 'vitest'
import config from '../../../electron.vite.config'
import { FACE_DETECTOR_FOLDER, faceDetectorModelFiles } from '../../../scripts/vite-copy-assets'

const ROOT = resolve(import.meta.dirname, '../../..')
const [manifestFile, weightsFile] = faceDetectorModelFiles(ROOT)

interface Emitted {
  fileName: string
  source: Buffer
}

/** Runs a copy-assets plugin's bundle hook and collects what it would write into the renderer build. */
function emittedBy(plugin: Plugin): Emitted[] {
  const emitted: Emitted[] = []
  const hook = plugin.generateBundle as unknown as (this: { emitFile(file: Emitted): string }) => void
  hook.call({ emitFile: (file) => (emitted.push(file), file.fileName) })
  return emitted
}

describe('the face detector weights ship in the npm package', () => {
  it('has the tiny face detector manifest and weights in node_modules, at a plausible size', () => {
    expect(manifestFile).toMatch(
      /@vladmandic\/face-api\/model\/tiny_face_detector_model-weights_manifest\.json$/,
    )
    expect(weightsFile).toMatch(/@vladmandic\/face-api\/model\/tiny_face_detector_model\.bin$/)
    // 193,321 bytes in 1.7.15; a Git LFS pointer or a truncated download would be far smaller.
    const size = statSync(weightsFile ?? '').size
    expect(size).toBeGreaterThan(150_000)
    expect(size).toBeLessThan(400_000)
  })

  it('has a manifest that names exactly that weights file and adds up to its size', () => {
    const manifest = JSON.parse(readFileSync(manifestFile ?? '', 'utf8')) as {
      paths: string[]
      weights: { shape: number[]; dtype: string; quantization?: { dtype: string } }[]
    }[]
    expect(manifest.flatMap((group) => group.paths)).toEqual([basename(weightsFile ?? '')])
    const bytesPerValue = (entry: (typeof manifest)[0]['weights'][0]) =>
      entry.quantization?.dtype === 'uint8' ? 1 : entry.quantization?.dtype === 'uint16' ? 2 : 4
    const expectedBytes = manifest
      .flatMap((group) => group.weights)
      .reduce((sum, entry) => sum + entry.shape.reduce((a, b) => a * b, 1) * bytesPerValue(entry), 0)
    expect(expectedBytes).toBe(statSync(weightsFile ?? '').size)
  })

  it('is copied by the production renderer build into face/, byte for byte', () => {
    // electron.vite.config.ts exports a plain object (defineConfig with an object): read it as the build does.
    const resolved = config as UserConfig
    const plugins = (resolved.renderer?.plugins ?? []).flat() as Plugin[]
    const emitted = plugins.filter((plugin) => plugin.name === 'avatar-kiosk:copy-assets').flatMap(emittedBy)
    const faceFiles = emitted.filter((file) => file.fileName.startsWith(`${FACE_DETECTOR_FOLDER}/`))
    expect(faceFiles.map((file) => file.fileName).sort()).toEqual([
      'face/tiny_face_detector_model-weights_manifest.json',
      'face/tiny_face_detector_model.bin',
    ])
    const bin = faceFiles.find((file) => file.fileName.endsWith('.bin'))
    expect(bin?.source.equals(readFileSync(weightsFile ?? ''))).toBe(true)
  })
})
