import type { BrowserWindow } from 'electron'

/**
 * The page owns its provider sessions; when it crashes, is replaced by another page or its window closes, main
 * stops what it left open (`pageGone`). Only a navigation that commits counts: `did-start-navigation` also fires
 * for navigations that the navigation lock then cancels, and the page behind those is still there, mid-session.
 */
export function watchForPageGone(
  window: Pick<BrowserWindow, 'on' | 'webContents'>,
  pageGone: (reason: string) => void,
): void {
  // Main frame, cross-document only (in-page navigations are `did-navigate-in-page`). The first load commits
  // too, before its page can have opened anything, so it stops nothing.
  window.webContents.on('did-navigate', () => pageGone('page replaced'))
  window.webContents.on('render-process-gone', () => pageGone('renderer gone'))
  window.on('closed', () => pageGone('window closed'))
}
