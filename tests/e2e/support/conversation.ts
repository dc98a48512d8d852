import type { Page } from '@playwright/test'
import type { KioskUnderTest } from './kiosk'

/** Every text the avatar was asked to say verbatim (legacy REPEAT, LiveAvatar `speak_text`), across sessions. */
export function repeatTexts(kiosk: KioskUnderTest): string[] {
  return kiosk.sandbox
    .sessions()
    .flatMap((session) => session.tasks)
    .filter((task) => task.type === 'repeat')
    .map((task) => task.text)
}

/** How often the page set a `performance.mark` of that name. */
export async function marks(page: Page, name: string): Promise<number> {
  return page.evaluate((mark) => performance.getEntriesByName(mark).length, name)
}
