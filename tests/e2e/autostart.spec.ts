import { expect, test } from '@playwright/test'
import { chromiumLaunchOptions } from './support/chromium'
import { startKiosk, type KioskUnderTest } from './support/kiosk'

/**
 * Issue 11, section 5: the web host cannot add itself to the computer's start-up, so its admin panel shows no
 * switch but the systemd user unit to install, which restarts the kiosk after anything but a deliberate exit.
 */
const PIN = '739164'

test.use({ launchOptions: chromiumLaunchOptions() })

test.describe('start with this computer', () => {
  let kiosk: KioskUnderTest | undefined

  test.afterEach(async () => {
    await kiosk?.stop()
    kiosk = undefined
  })

  test('the web host shows the unit to install instead of a switch', async ({ page }) => {
    kiosk = await startKiosk({ settings: { admin: { pin: PIN } } })
    await page.goto(kiosk.host.url)
    await page.keyboard.press('Control+Shift+A')
    await page.getByLabel('Admin PIN', { exact: true }).fill(PIN)
    await page.getByRole('button', { name: 'Unlock' }).click()

    const section = page.locator('.admin-autostart')
    await expect(section).toHaveAttribute('data-mechanism', 'none')
    await expect(section.getByRole('heading', { name: 'Start with this computer' })).toBeVisible()
    await expect(section.getByRole('checkbox')).toBeHidden()
    await expect(section.getByRole('status')).toContainText('cannot add itself')
    const instructions = section.locator('.admin-autostart__instructions')
    await expect(instructions).toContainText('systemctl --user enable --now avatar-kiosk.service')
    await expect(instructions).toContainText('Restart=always')
    await expect(instructions).toContainText('RestartPreventExitStatus=2 3')
    await expect(instructions).toContainText(
      /ExecStart=\S+ \S+\/tsx\/dist\/cli\.mjs \S+\/scripts\/start\.ts --web --data-dir /,
    )
  })
})
