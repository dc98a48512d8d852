import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../../../src/main/app-services'
import { verifyPin } from '../../../src/main/services/admin-pin'
import {
  ProvisioningError,
  applyProvisioningFile,
  planProvisioning,
} from '../../../src/main/services/provisioning'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { defaultSettings } from '../../../src/shared/settings/schema'
import { memorySink } from '../support/memory-log'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const PROVIDER_KEY = 'hg-provisioned-provider-key-111'
const LLM_KEY = 'sk-provisioned-llm-key-2222222222'

const validFile = {
  provider: { baseUrl: 'https://api.heygen.com/', apiKey: PROVIDER_KEY },
  avatar: { id: 'Anna_public_3_20240108', quality: 'medium', voiceId: 'voice-1', language: 'de-DE' },
  conversation: { mode: 'llm' },
  llm: {
    baseUrl: 'https://llm.example/v1',
    apiKey: LLM_KEY,
    model: 'gpt-4o-mini',
    systemPrompt: 'Be brief.',
  },
  display: { chromaKey: { enabled: true }, background: { type: 'image', value: 'lobby.jpg' } },
  admin: { pin: '246810' },
}

async function setup() {
  const dir = await tempDir()
  const logs = memorySink()
  const services = await createAppServices(nodeHostAdapters(join(dir, 'data'), logs.sink))
  const write = async (content: unknown) => {
    const path = join(dir, 'provision.json')
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }
  return { dir, services, logs, write }
}

async function refusal(promise: Promise<unknown>): Promise<ProvisioningError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the provisioning file to be refused')
    },
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ProvisioningError)
  return error as ProvisioningError
}

async function snapshot(services: AppServices, dir: string) {
  const dataFiles = await readdir(join(dir, 'data'))
  return {
    settings: structuredClone(services.settings.get()),
    settingsFile: await readFile(join(dir, 'data', 'settings.json'), 'utf8'),
    dataFiles,
    secrets: [
      services.secrets.has('providerApiKey'),
      services.secrets.has('llmApiKey'),
      services.secrets.has('adminPinHash'),
    ],
  }
}

describe('applyProvisioningFile', () => {
  it('applies settings and moves the keys and a PIN hash into the secret store', async () => {
    const { dir, services, logs, write } = await setup()
    const result = await applyProvisioningFile(await write(validFile), services)
    expect(result).toEqual({
      settingsSections: ['provider', 'avatar', 'conversation', 'llm', 'display'],
      secrets: ['providerApiKey', 'llmApiKey'],
      adminPin: true,
    })

    const settings = services.settings.get()
    expect(settings.provider.baseUrl).toBe('https://api.heygen.com')
    expect(settings.avatar).toMatchObject({
      id: 'Anna_public_3_20240108',
      quality: 'medium',
      voiceId: 'voice-1',
      language: 'de-DE',
    })
    expect(settings.conversation.mode).toBe('llm')
    expect(settings.llm).toMatchObject({
      baseUrl: 'https://llm.example/v1',
      model: 'gpt-4o-mini',
      systemPrompt: 'Be brief.',
    })
    expect(settings.display.background).toMatchObject({ type: 'image', value: 'lobby.jpg' })
    expect(settings.display.windowMode).toBe(defaultSettings().display.windowMode)

    expect(await services.secrets.get('providerApiKey')).toBe(PROVIDER_KEY)
    expect(await services.secrets.get('llmApiKey')).toBe(LLM_KEY)
    const pinHash = await services.secrets.get('adminPinHash')
    expect(pinHash).toBeDefined()
    expect(pinHash).not.toContain('246810')
    expect(await verifyPin('246810', pinHash ?? '')).toBe(true)
    expect(services.admin.hasPin()).toBe(true)

    // The keys went to the secret store, not the settings file, and not the log.
    const settingsFile = await readFile(join(dir, 'data', 'settings.json'), 'utf8')
    for (const secret of [PROVIDER_KEY, LLM_KEY, '246810']) {
      expect(settingsFile).not.toContain(secret)
      expect(logs.text()).not.toContain(secret)
    }
    expect(settingsFile).not.toContain('apiKey')
    expect(logs.lines.some((line) => line.level === 'warn' && line.line.includes('plain text'))).toBe(true)
  })

  it('applies a file with only keys without touching settings', async () => {
    const { services, write } = await setup()
    const before = structuredClone(services.settings.get())
    const result = await applyProvisioningFile(await write({ provider: { apiKey: PROVIDER_KEY } }), services)
    expect(result).toEqual({ settingsSections: [], secrets: ['providerApiKey'], adminPin: false })
    expect(services.settings.get()).toEqual(before)
    expect(services.secrets.has('providerApiKey')).toBe(true)
  })

  it('refuses an invalid file with exact field paths and changes nothing', async () => {
    const { dir, services, write } = await setup()
    await services.secrets.set('llmApiKey', 'sk-existing-llm-key-3333333')
    const before = await snapshot(services, dir)
    const error = await refusal(
      applyProvisioningFile(
        await write({
          provider: { baseUrl: 'not a url', apiKey: '' },
          avatar: { quality: 'ultra', id: 'Fine_avatar' },
          llm: { apiKey: '   ' },
          display: { chromaKey: { enabled: true, tint: 'green' } },
          admin: { pin: '12', recoveryCode: 'x' },
          unknownSection: { a: 1 },
        }),
        services,
      ),
    )
    expect(error.message).toBe('The provisioning file was refused; nothing was changed.')
    expect(error.fields.map((field) => field.path).sort()).toEqual(
      [
        'provider.apiKey',
        'llm.apiKey',
        'admin.pin',
        'admin.recoveryCode',
        'provider.baseUrl',
        'avatar.quality',
        'display.chromaKey.tint',
        'unknownSection',
      ].sort(),
    )
    expect(await snapshot(services, dir)).toEqual(before)
    expect(await services.secrets.get('llmApiKey')).toBe('sk-existing-llm-key-3333333')
    expect(JSON.stringify(error.fields)).not.toContain('sk-existing')
  })

  it.each([
    ['a bad quality', { avatar: { quality: 'ultra' } }, ['avatar.quality']],
    ['an unknown key', { avatar: { colour: 'red' } }, ['avatar.colour']],
    ['an unknown top-level key', { kiosk: {} }, ['kiosk']],
    ['a bad URL', { llm: { baseUrl: 'ftp://llm.example' } }, ['llm.baseUrl']],
    ['an empty apiKey', { provider: { apiKey: '' } }, ['provider.apiKey']],
    ['a non-string apiKey', { provider: { apiKey: 12345 } }, ['provider.apiKey']],
    ['a bad background type', { display: { background: { type: 'hologram' } } }, ['display.background.type']],
    ['a section that is not an object', { avatar: 'Anna' }, ['avatar']],
  ])('refuses %s with its path, even alongside valid keys', async (_label, content, paths) => {
    const { dir, services, write } = await setup()
    const before = await snapshot(services, dir)
    const error = await refusal(
      applyProvisioningFile(
        await write({ ...content, llm: { ...(content as { llm?: object }).llm, apiKey: LLM_KEY } }),
        services,
      ),
    )
    expect(error.fields.map((field) => field.path)).toEqual(paths)
    expect(await snapshot(services, dir)).toEqual(before)
  })

  it('refuses a file that is not JSON, without echoing its content', async () => {
    const { dir, services, write } = await setup()
    const before = await snapshot(services, dir)
    const path = await write(`{"provider": {"apiKey": ${PROVIDER_KEY}}}`)
    const error = await refusal(applyProvisioningFile(path, services))
    expect(error.message).toBe(`The provisioning file ${path} is not valid JSON.`)
    expect(error.fields).toHaveLength(1)
    expect(error.fields[0]?.path).toBe('(file)')
    expect(JSON.stringify(error.fields)).not.toContain(PROVIDER_KEY.slice(0, 6))
    expect(error.message).not.toContain(PROVIDER_KEY.slice(0, 6))
    expect(await snapshot(services, dir)).toEqual(before)
  })

  it('says where the JSON breaks when the parser knows', async () => {
    const { services, write } = await setup()
    const error = await refusal(
      applyProvisioningFile(await write(`{"provider":{"apiKey":"${PROVIDER_KEY}"}} x`), services),
    )
    expect(error.fields).toEqual([
      { path: '(file)', message: expect.stringMatching(/^Not valid JSON/) as string },
    ])
    expect(JSON.stringify(error.fields)).not.toContain(PROVIDER_KEY.slice(-8))
  })

  it('refuses a JSON file whose root is not an object', async () => {
    const { services, write } = await setup()
    for (const content of ['[]', '"text"', 'null', '42']) {
      const error = await refusal(applyProvisioningFile(await write(content), services))
      expect(error.fields).toEqual([{ path: '(root)', message: 'Expected a JSON object' }])
    }
  })

  it('refuses a missing file', async () => {
    const { dir, services } = await setup()
    const error = await refusal(applyProvisioningFile(join(dir, 'absent.json'), services))
    expect(error.fields).toEqual([{ path: '(file)', message: 'ENOENT' }])
  })
})

describe('provisioning a LiveAvatar kiosk', () => {
  const liveAvatarFile = {
    provider: {
      kind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
      apiKey: PROVIDER_KEY,
      liveavatar: { mode: 'full' },
    },
    avatar: { id: 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a', contextId: '9a4c3b2e-5d6f-4a7b-8c9d-0e1f2a3b4c5d' },
  }

  it('accepts the documented LiveAvatar file: kind, URL, mode and context in settings, the key in the store', async () => {
    const { services, write, logs } = await setup()
    services.settings.update({ provider: { kind: 'heygen' } })
    const result = await applyProvisioningFile(await write(liveAvatarFile), services)
    expect(result).toEqual({
      settingsSections: ['provider', 'avatar'],
      secrets: ['providerApiKey'],
      adminPin: false,
    })
    const settings = services.settings.get()
    expect(settings.provider).toEqual({
      kind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
      liveavatar: { mode: 'full', sandbox: false, maxSessionDurationSeconds: 0 },
    })
    expect(settings.avatar).toMatchObject(liveAvatarFile.avatar)
    expect(await services.secrets.get('providerApiKey')).toBe(PROVIDER_KEY)
    expect(JSON.stringify(settings)).not.toContain(PROVIDER_KEY)
    expect(logs.text()).not.toContain(PROVIDER_KEY)
    expect(services.provider.status()).toEqual({
      kind: 'configured',
      providerKind: 'liveavatar',
      baseUrl: 'https://api.liveavatar.com',
    })
  })

  it('refuses wrong LiveAvatar values with the path of each, and changes nothing', async () => {
    const { dir, services, write } = await setup()
    const before = await snapshot(services, dir)
    const error = await refusal(
      applyProvisioningFile(
        await write({
          provider: {
            kind: 'liveavatar-v2',
            apiKey: PROVIDER_KEY,
            liveavatar: { mode: 'CUSTOM', sandbox: 'yes', maxSessionDurationSeconds: -5, colour: 1 },
          },
          avatar: { contextId: 42 },
          llm: { speech: { timeoutMs: 5, voice: '' } },
        }),
        services,
      ),
    )
    expect(error.fields.map((field) => field.path).sort()).toEqual([
      'avatar.contextId',
      'llm.speech.timeoutMs',
      'llm.speech.voice',
      'provider.kind',
      'provider.liveavatar.colour',
      'provider.liveavatar.maxSessionDurationSeconds',
      'provider.liveavatar.mode',
      'provider.liveavatar.sandbox',
    ])
    expect(JSON.stringify(error.fields)).not.toContain(PROVIDER_KEY)
    expect(await snapshot(services, dir)).toEqual(before)
  })
})

describe('planProvisioning', () => {
  it('separates the settings patch from the secrets without mutating the document', () => {
    const document = structuredClone(validFile)
    const plan = planProvisioning(document, defaultSettings())
    expect(document).toEqual(validFile)
    expect(plan.secrets).toEqual({ providerApiKey: PROVIDER_KEY, llmApiKey: LLM_KEY })
    expect(plan.adminPin).toBe('246810')
    expect(plan.patch).not.toHaveProperty('admin')
    expect(JSON.stringify(plan.patch)).not.toContain(PROVIDER_KEY)
    expect(JSON.stringify(plan.patch)).not.toContain(LLM_KEY)
  })
})
