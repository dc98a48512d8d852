import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startKiosk, type KioskUnderTest } from './support/kiosk'
import { bridgeCall, launchWebHost, type RunningWebHost } from './support/web-host'

async function openAdmin(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+A')
  await expect(page.getByRole('dialog', { name: 'Kiosk settings' })).toBeVisible()
}

test.describe('admin panel', () => {
  let host: RunningWebHost

  test.afterEach(async () => {
    await host.stop()
  })

  test('bad settings get field-level errors and lose nothing; good ones are saved', async ({ page }) => {
    host = await launchWebHost()
    await page.goto(host.url)
    await openAdmin(page)

    await page.getByLabel('Avatar id').fill('Lobby_Host_2026')
    await page.getByLabel('Service URL').fill('ftp://not-a-provider')
    await page.getByLabel('Language').fill('English please')
    await page.getByRole('button', { name: 'Save settings' }).click()

    await expect(page.locator('[data-error-for="provider.baseUrl"]')).toContainText('http')
    await expect(page.locator('[data-error-for="avatar.language"]')).toContainText('language tag')
    await expect(page.getByLabel('Service URL')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('Nothing was saved')).toBeVisible()
    // The operator's edits are still in the form...
    await expect(page.getByLabel('Avatar id')).toHaveValue('Lobby_Host_2026')
    await expect(page.getByLabel('Service URL')).toHaveValue('ftp://not-a-provider')
    // ...and nothing reached the store.
    const before = (await bridgeCall(host, 'getSettings')).value as { settings: { avatar: { id: string } } }
    // A fresh install leaves the avatar to the provider kind's default.
    expect(before.settings.avatar.id).toBe('')

    await page.getByLabel('Service URL').fill('https://api.liveavatar.com/')
    await page.getByLabel('Language').fill('de-DE')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect(page.getByText('Saved.')).toBeVisible()
    await expect(page.locator('[data-error-for="provider.baseUrl"]')).toBeEmpty()
    const after = (await bridgeCall(host, 'getSettings')).value as {
      settings: { avatar: { id: string; language: string }; provider: { baseUrl: string } }
    }
    expect(after.settings.avatar).toMatchObject({ id: 'Lobby_Host_2026', language: 'de-DE' })
    expect(after.settings.provider.baseUrl).toBe('https://api.liveavatar.com')
  })

  test('keys are write-only, and a PIN locks the panel with rate-limited unlocking', async ({ page }) => {
    host = await launchWebHost()
    await page.goto(host.url)
    await openAdmin(page)

    const key = 'hg-admin-panel-key-0123456789abcdef'
    const slot = page.locator('[data-secret="providerApiKey"]')
    await expect(slot.getByText('No key is set.')).toBeVisible()
    // A fresh install speaks LiveAvatar, whose keys do not work on HeyGen: the field says which key it wants.
    await slot.getByLabel('LiveAvatar API key').fill(key)
    await slot.getByRole('button', { name: 'Save key' }).click()
    await expect(slot.getByText('A key is set.')).toBeVisible()
    await expect(slot.getByLabel('LiveAvatar API key')).toHaveValue('')
    expect(await page.content()).not.toContain(key)

    await page.getByLabel('New admin PIN (4–12 digits)').fill('12')
    await page.getByRole('button', { name: 'Save PIN' }).click()
    await expect(page.getByText('Use 4 to 12 digits')).toBeVisible()
    await page.getByLabel('New admin PIN (4–12 digits)').fill('482913')
    await page.getByRole('button', { name: 'Save PIN' }).click()
    await expect(page.getByText('PIN saved.')).toBeVisible()
    // The new key moves the kiosk off the built-in sandbox: once the panel closes, the page reloads to take
    // the configured provider's CSP.
    const reloaded = page.waitForEvent('load')
    await page.getByRole('button', { name: 'Close' }).click()
    await expect(page.getByRole('dialog', { name: 'Kiosk settings' })).toBeHidden()
    await reloaded
    await expect(page.locator('html')).toHaveAttribute('data-stage', /.+/)

    // Locked now: the bridge refuses changes without the PIN.
    const refused = await bridgeCall(host, 'updateSettings', { avatar: { id: 'Intruder' } })
    expect(refused.error?.code).toBe('admin-locked')

    await openAdmin(page)
    await page.getByLabel('Admin PIN', { exact: true }).fill('000000')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect(page.getByText('Wrong PIN.')).toBeVisible()
    await page.getByLabel('Admin PIN', { exact: true }).fill('482913')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible()
  })

  test('a corrupt settings file is kept as a backup and the kiosk starts on defaults and says so', async ({
    page,
  }) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kiosk-corrupt-'))
    await writeFile(join(dataDir, 'settings.json'), '{"avatar": {"id": "Lobby", "quality": ')
    host = await launchWebHost({ dataDir })
    try {
      const backups = (await readdir(dataDir)).filter((name) => name.startsWith('settings.corrupt-'))
      expect(backups).toHaveLength(1)
      await page.goto(host.url)
      await openAdmin(page)
      await expect(page.locator('.admin__notice[data-level="error"]')).toContainText('could not be read')
      await expect(page.locator('.admin__notice[data-level="error"]')).toContainText(backups[0] ?? '?')
      await expect(page.getByLabel('Video quality')).toHaveValue('high')
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

test.describe('provider pickers', () => {
  let kiosk: KioskUnderTest | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    kiosk = undefined
  })

  test('list the provider’s avatars by name, fill the id, and show a clear message when the list fails', async ({
    page,
  }) => {
    kiosk = await startKiosk({ kind: 'liveavatar' })
    await page.goto(kiosk.host.url)
    await openAdmin(page)
    const avatarField = page.getByLabel('Avatar id')
    const picker = page.locator('[data-catalog="avatars"]')
    await picker.getByRole('button', { name: 'Load from provider' }).click()
    const wayne = picker.getByRole('button', { name: /Wayne \(sandbox\)/ })
    await expect(wayne).toBeVisible()
    await expect(picker.getByRole('button', { name: /Ada \(sandbox\)/ })).toBeVisible()
    await wayne.click()
    await expect(avatarField).toHaveValue('dd73ea75-1218-4ef3-92ce-606d5f7fbc0a')

    await page
      .locator('[data-catalog="contexts"]')
      .getByRole('button', { name: 'Load from provider' })
      .click()
    await expect(page.locator('[data-catalog="contexts"] .admin-catalog__item').first()).toBeVisible()

    kiosk.sandbox.injectFault({ type: 'rest', path: '/v1/avatars', status: 500, times: 1 })
    await picker.getByRole('button', { name: 'Load from provider' }).click()
    await expect(picker.locator('.admin-catalog__error')).toContainText(/avatar service/i)
    // Typing an id still works after a failed list.
    await avatarField.fill('5a1f0a39-8d4e-4a8e-9a43-0c6f3a1d0a02')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect(page.getByText('Saved.')).toBeVisible()
    const saved = (await bridgeCall(kiosk.host, 'getSettings')).value as {
      settings: { avatar: { id: string } }
    }
    expect(saved.settings.avatar.id).toBe('5a1f0a39-8d4e-4a8e-9a43-0c6f3a1d0a02')
  })
})
