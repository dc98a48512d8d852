import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EmbeddedSandbox } from '../../../src/main/services/embedded-sandbox'
import { ProviderAccess } from '../../../src/main/services/provider-access'
import { SecretStore, filePermissionsOnlyCipher } from '../../../src/main/services/secrets'
import { SessionRegistry } from '../../../src/main/services/session-registry'
import { SettingsService } from '../../../src/main/services/settings'
import { memoryLogger } from '../support/memory-log'
import { settingsDocument } from '../support/settings-store'
import { useTempDirs } from '../support/temp-dir'

/**
 * Main against the real built-in sandbox, both protocols at one URL: what a fresh install does before anyone
 * has entered a key. Guards the agreement between main's requests and the sandbox's routes.
 */
const tempDir = useTempDirs()
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function setup() {
  const dir = await tempDir()
  const log = memoryLogger()
  const settings = new SettingsService(settingsDocument(dir), log)
  const secrets = new SecretStore(join(dir, 'secrets.json'), filePermissionsOnlyCipher)
  const sandbox = new EmbeddedSandbox(log)
  const provider = new ProviderAccess(settings, secrets, log, sandbox)
  closers.push(() => provider.close())
  const sessions = new SessionRegistry(log, { apiKeyFor: (isSandbox) => provider.apiKeyFor(isSandbox) })
  return { settings, provider, sessions, log }
}

describe('main against the embedded sandbox', () => {
  it('mints LiveAvatar tokens (FULL and LITE), lists its catalogue, and stops what it minted', async () => {
    const { settings, provider, sessions, log } = await setup()
    await provider.prepare()
    expect(provider.status()).toMatchObject({ kind: 'sandbox', providerKind: 'liveavatar' })

    const full = await provider.mintSessionToken()
    expect(full.token).toMatchObject({ kind: 'liveavatar', mode: 'full', sandbox: true })
    expect(full.token.token.split('.')).toHaveLength(3)
    expect(full.sessionId).toMatch(/^[0-9a-f-]{36}$/)

    settings.update({ provider: { liveavatar: { mode: 'lite' } } })
    const lite = await provider.mintSessionToken()
    const payload = JSON.parse(
      Buffer.from(lite.token.token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { start_session_data?: { mode?: string } }
    expect(payload.start_session_data?.mode).toBe('LITE')

    const avatars = await provider.listCatalog('avatars')
    expect(avatars.length).toBeGreaterThan(0)
    expect(avatars.map((avatar) => avatar.id)).toContain('dd73ea75-1218-4ef3-92ce-606d5f7fbc0a')
    expect(avatars.find((avatar) => avatar.id === 'dd73ea75-1218-4ef3-92ce-606d5f7fbc0a')?.owner).toBe(
      'public',
    )
    expect((await provider.listCatalog('voices')).length).toBeGreaterThan(0)
    expect((await provider.listCatalog('contexts')).length).toBeGreaterThan(0)

    await sessions.issue('web:a', { ...full.token, sessionId: full.sessionId })
    expect(await sessions.stopOrphans('web:a', 'page closed')).toBe(1)
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        message: 'orphan session stopped',
        context: expect.objectContaining({ status: 200 }),
      }),
    )
  }, 60_000)

  it('still speaks the legacy protocol to it when the kind is heygen', async () => {
    const { settings, provider } = await setup()
    settings.update({ provider: { kind: 'heygen' } })
    const legacy = await provider.mintSessionToken()
    expect(legacy.token).toMatchObject({ kind: 'heygen', sandbox: true })
    expect(legacy.token).not.toHaveProperty('mode')
    expect(legacy.sessionId).toBeUndefined()
    expect((await provider.listCatalog('avatars')).length).toBeGreaterThan(0)
    await expect(provider.listCatalog('voices')).rejects.toMatchObject({ code: 'not-supported' })
  }, 60_000)
})
