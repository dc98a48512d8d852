import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import Ajv, { type ValidateFunction } from 'ajv'
import yaml from 'js-yaml'
import { minimatch } from 'minimatch'
import { beforeAll, describe, expect, it } from 'vitest'

const repoRoot = resolve(import.meta.dirname, '../../..')

interface BuilderConfig {
  [key: string]: unknown
  appId: string
  asar: boolean
  win: { target: string[] }
  mac: {
    target: string[]
    hardenedRuntime: boolean
    entitlements: string
    extendInfo: Record<string, unknown>
  }
  linux: { target: string[] }
  electronFuses: Record<string, boolean>
  asarUnpack?: string[]
  deb?: { depends?: string[] }
}

let validate: ValidateFunction
let config: BuilderConfig

beforeAll(() => {
  const schema = JSON.parse(
    readFileSync(resolve(repoRoot, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
  ) as Record<string, unknown>
  validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
  config = yaml.load(readFileSync(resolve(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig
})

function errorsOf(candidate: unknown): string[] {
  return validate(candidate)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`)
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own JSON schema", () => {
    expect(errorsOf(config)).toEqual([])
  })

  it('would fail validation if it were broken', () => {
    const broken = structuredClone(config)
    broken.electronFuses = { ...config.electronFuses, runAsNode: 'no' as unknown as boolean }
    broken.notAnOption = true
    broken.mac = { ...config.mac, hardenedRuntime: 'yes' as unknown as boolean }
    const errors = errorsOf(broken)
    expect(errors).toContain(' must NOT have additional properties')
    expect(errors).toContain('/electronFuses/runAsNode must be boolean')
    expect(errors).toContain('/mac/hardenedRuntime must be boolean')
    expect(errorsOf({ ...config, asar: 'sure' })).not.toEqual([])
  })

  it('builds nsis, dmg, AppImage and deb', () => {
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
  })

  it('explains the microphone on macOS', () => {
    const text = config.mac.extendInfo.NSMicrophoneUsageDescription
    expect(typeof text).toBe('string')
    expect(String(text)).toMatch(/microphone/i)
    expect(config.mac.hardenedRuntime).toBe(true)
    expect(existsSync(resolve(repoRoot, config.mac.entitlements))).toBe(true)
  })

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
    expect(config.asar).toBe(true)
  })

  it("keeps the sandbox's npm ffmpeg and espeak-ng WebAssembly out of the asar, and nothing else", () => {
    const unpacked = (file: string): boolean =>
      (config.asarUnpack ?? []).some((pattern) => minimatch(file, pattern, { dot: true }))
    for (const file of [
      'node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
      'node_modules/@ffmpeg-installer/darwin-arm64/ffmpeg',
      'node_modules/@ffmpeg-installer/win32-x64/ffmpeg.exe',
      'node_modules/espeak-ng/dist/espeak-ng.js',
      'node_modules/espeak-ng/dist/espeak-ng.wasm',
    ]) {
      expect(unpacked(file), file).toBe(true)
    }
    for (const file of [
      'out/main/index.js',
      'node_modules/@ffmpeg-installer/ffmpeg/index.js',
      'package.json',
    ]) {
      expect(unpacked(file), file).toBe(false)
    }
    // The tools come from npm now; a `depends` list would also replace Electron's own runtime libraries.
    expect(config.deb?.depends).toBeUndefined()
  })
})
