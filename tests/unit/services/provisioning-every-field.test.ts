import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAppServices } from '../../../src/main/app-services'
import {
  ProvisioningError,
  applyProvisioningFile,
  planProvisioning,
} from '../../../src/main/services/provisioning'
import { nodeHostAdapters } from '../../../src/main/web/node-host'
import { defaultSettings } from '../../../src/shared/settings/schema'
import { leafPatch, setPath, settingsLeaves, wrongValueFor } from '../support/bad-payloads'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
const leaves = settingsLeaves()

/** The fields a provisioning file has besides the settings: keys and the PIN, each with a wrong value. */
const WRONG_SECRETS: [string[], unknown][] = [
  [['provider', 'apiKey'], 42],
  [['llm', 'apiKey'], '   '],
  [['admin', 'pin'], '12'],
]

function refusal(run: () => unknown): ProvisioningError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ProvisioningError)
    return error as ProvisioningError
  }
  throw new Error('expected the provisioning file to be refused')
}

/**
 * Every field is walked from the settings schema, so a field added to the settings is covered here without
 * a new test: a wrong value in it must be named by its path.
 */
describe('a provisioning file with wrong values', () => {
  it('walks a field of every section, background variants included', () => {
    const sections = new Set(leaves.map((leaf) => leaf.path[0]))
    expect([...sections].sort()).toEqual([
      'attract',
      'avatar',
      'budget',
      'conversation',
      'display',
      'llm',
      'notices',
      'provider',
      'schedule',
      'session',
      'usage',
    ])
    const paths = leaves.map((leaf) => leaf.path.join('.'))
    expect(paths).toEqual(
      expect.arrayContaining([
        'provider.liveavatar.maxSessionDurationSeconds',
        'avatar.elevenlabs.stability',
        'llm.timeouts.totalMs',
        'display.background.type',
        'display.background.value',
        'display.placement.portrait.crop.left',
        'attract.wake.camera',
        'schedule.openingHours',
        'budget.dailyMinutes',
        'usage.rates.liveavatarLite',
      ]),
    )
    expect(leaves.length).toBeGreaterThan(70)
  })

  it.each(leaves.map((leaf) => [leaf.path.join('.'), leaf] as const))(
    'names %s when it alone is wrong',
    (path, leaf) => {
      const error = refusal(() => planProvisioning(leafPatch(leaf, wrongValueFor(leaf)), defaultSettings()))
      expect(error.fields.map((field) => field.path)).toEqual([path])
    },
  )

  it('names every field of a file where every field is wrong, and changes nothing', async () => {
    const dir = await tempDir()
    const dataDir = join(dir, 'data')
    const services = await createAppServices(nodeHostAdapters(dataDir, () => {}))
    services.settings.update({ avatar: { quality: 'medium' } })
    await services.secrets.set('llmApiKey', 'sk-kept-llm-key-0000000001')

    const file: Record<string, unknown> = {}
    // A wrong variant name hides the variant's other fields; those are named one by one above.
    const named = leaves.filter((leaf) => leaf.variant === undefined)
    for (const leaf of named) setPath(file, leaf.path, wrongValueFor(leaf))
    for (const [path, value] of WRONG_SECRETS) setPath(file, path, value)
    const path = join(dir, 'provision.json')
    await writeFile(path, JSON.stringify(file))

    const before = {
      settings: structuredClone(services.settings.get()),
      files: await readdir(dataDir),
      settingsFile: await readFile(join(dataDir, 'settings.json'), 'utf8'),
      llmKey: await services.secrets.get('llmApiKey'),
      pin: services.admin.hasPin(),
    }
    const error = await applyProvisioningFile(path, services).then(
      () => {
        throw new Error('expected the provisioning file to be refused')
      },
      (reason: unknown) => reason as ProvisioningError,
    )
    expect(error).toBeInstanceOf(ProvisioningError)
    expect(error.message).toBe('The provisioning file was refused; nothing was changed.')
    const expected = [...named.map((leaf) => leaf.path), ...WRONG_SECRETS.map(([fieldPath]) => fieldPath)]
    expect(error.fields.map((field) => field.path).sort()).toEqual(
      expected.map((fieldPath) => fieldPath.join('.')).sort(),
    )
    expect(error.fields.every((field) => field.message.length > 0)).toBe(true)

    expect({
      settings: services.settings.get(),
      files: await readdir(dataDir),
      settingsFile: await readFile(join(dataDir, 'settings.json'), 'utf8'),
      llmKey: await services.secrets.get('llmApiKey'),
      pin: services.admin.hasPin(),
    }).toEqual(before)
    await services.close()
  })
})
