import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { PinSchema, type SecretName } from '../../shared/contract'
import { isPlainObject } from '../../shared/is-plain-object'
import { toFieldErrors, type FieldError } from '../../shared/result'
import { SettingsPatchSchema, SettingsSchema, mergeSettingsPatch } from '../../shared/settings/schema'
import { hashPin } from './admin-pin'
import type { Logger } from './logger'
import type { SecretStore } from './secrets'
import type { SettingsService } from './settings'

const SecretValueSchema = z.string().trim().min(1, 'Must not be empty').max(4096)

/** The secret-bearing fields of a provisioning file; everything else in it is a settings patch. */
const ProvisioningSecretsSchema = z.object({
  provider: z.object({ apiKey: SecretValueSchema.optional() }).optional(),
  llm: z.object({ apiKey: SecretValueSchema.optional() }).optional(),
  admin: z.strictObject({ pin: PinSchema.optional() }).optional(),
})

export class ProvisioningError extends Error {
  constructor(
    message: string,
    readonly fields: FieldError[],
  ) {
    super(message)
    this.name = 'ProvisioningError'
  }
}

export interface ProvisioningPlan {
  patch: Record<string, unknown>
  secrets: Partial<Record<SecretName, string>>
  adminPin: string | undefined
}

/** Validates the whole file against the current settings before anything is applied. */
export function planProvisioning(document: unknown, currentSettings: unknown): ProvisioningPlan {
  if (!isPlainObject(document)) {
    throw new ProvisioningError('The provisioning file must contain a JSON object.', [
      { path: '(root)', message: 'Expected a JSON object' },
    ])
  }
  const secrets = ProvisioningSecretsSchema.safeParse(document)
  const fields: FieldError[] = secrets.success ? [] : toFieldErrors(secrets.error.issues)

  const patch = structuredClone(document)
  delete patch.admin
  for (const section of ['provider', 'llm'] as const) {
    const value = patch[section]
    if (isPlainObject(value)) {
      delete value.apiKey
      if (Object.keys(value).length === 0) delete patch[section]
    }
  }
  const shape = SettingsPatchSchema.safeParse(patch)
  if (!shape.success) fields.push(...toFieldErrors(shape.error.issues))
  else {
    const merged = SettingsSchema.safeParse(mergeSettingsPatch(currentSettings, shape.data))
    if (!merged.success) fields.push(...toFieldErrors(merged.error.issues))
  }
  if (fields.length > 0 || !secrets.success || !shape.success) {
    throw new ProvisioningError('The provisioning file was refused; nothing was changed.', fields)
  }
  return {
    patch: shape.data as Record<string, unknown>,
    secrets: {
      ...(secrets.data.provider?.apiKey ? { providerApiKey: secrets.data.provider.apiKey } : {}),
      ...(secrets.data.llm?.apiKey ? { llmApiKey: secrets.data.llm.apiKey } : {}),
    },
    adminPin: secrets.data.admin?.pin,
  }
}

export interface ProvisioningResult {
  settingsSections: string[]
  secrets: SecretName[]
  adminPin: boolean
}

/**
 * Imports a provisioning file (`--config FILE`): settings into the settings store, keys into the secret store.
 * An invalid file is refused as a whole with the paths that are wrong, and nothing changes.
 */
export async function applyProvisioningFile(
  path: string,
  target: { settings: SettingsService; secrets: SecretStore; log: Logger },
): Promise<ProvisioningResult> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ProvisioningError(`The provisioning file ${path} cannot be read.`, [
      { path: '(file)', message: (error as NodeJS.ErrnoException).code ?? 'unreadable' },
    ])
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    // V8's parse errors quote the text around the fault, which can be part of a key: report only where it is.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1]
    throw new ProvisioningError(`The provisioning file ${path} is not valid JSON.`, [
      {
        path: '(file)',
        message: position === undefined ? 'Not valid JSON' : `Not valid JSON at character ${position}`,
      },
    ])
  }
  const plan = planProvisioning(document, target.settings.get())
  if (Object.keys(plan.patch).length > 0) target.settings.update(plan.patch)
  for (const [name, value] of Object.entries(plan.secrets) as [SecretName, string][]) {
    await target.secrets.set(name, value)
  }
  if (plan.adminPin !== undefined) await target.secrets.set('adminPinHash', await hashPin(plan.adminPin))
  const result: ProvisioningResult = {
    settingsSections: Object.keys(plan.patch),
    secrets: Object.keys(plan.secrets) as SecretName[],
    adminPin: plan.adminPin !== undefined,
  }
  target.log.info('provisioning file applied', { ...result })
  if (result.secrets.length > 0 || result.adminPin) {
    target.log.warn(
      'the provisioning file still holds secrets in plain text; delete it or remove the keys from it',
    )
  }
  return result
}
