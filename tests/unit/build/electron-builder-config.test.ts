import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import Ajv, { type ValidateFunction } from 'ajv'
import yaml from 'js-yaml'
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
})
