import type { CatalogItem, CatalogKind } from '../../../shared/contract'

/** One entry of a picker list, ready to draw. */
export interface CatalogEntry {
  id: string
  name: string
  /** Shown under the name: the id, and where it comes from. */
  detail: string
  description?: string
  /** Only an image the page's CSP lets it load (`img-src 'self' data: blob:`); otherwise none is shown. */
  previewSrc?: string
  selected: boolean
}

export const CATALOG_LABELS: Record<CatalogKind, string> = {
  avatars: 'avatars',
  voices: 'voices',
  contexts: 'contexts',
}

/**
 * A preview URL the page may load. The CSP allows images from our own origin, `data:` and `blob:` only, and we do
 * not widen it for the admin panel: a provider's remote preview is left out and the entry shows name and id.
 */
export function loadablePreview(url: string | undefined, pageOrigin: string): string | undefined {
  if (!url) return undefined
  if (/^data:image\//i.test(url) || url.startsWith('blob:')) return url
  try {
    return new URL(url, pageOrigin).origin === pageOrigin ? url : undefined
  } catch {
    return undefined
  }
}

function displayName(item: CatalogItem): string {
  return item.name.trim() || item.id
}

/** The provider's items as picker entries: sorted by name, the account's own first, the current one marked. */
export function catalogEntries(
  items: readonly CatalogItem[],
  options: { currentId: string; pageOrigin: string; query?: string },
): CatalogEntry[] {
  const query = options.query?.trim().toLowerCase() ?? ''
  return items
    .filter(
      (item) =>
        query === '' || item.name.toLowerCase().includes(query) || item.id.toLowerCase().includes(query),
    )
    .toSorted(
      (a, b) =>
        Number(b.owner === 'own') - Number(a.owner === 'own') ||
        displayName(a).localeCompare(displayName(b)) ||
        a.id.localeCompare(b.id),
    )
    .map((item) => {
      const previewSrc = loadablePreview(item.previewUrl, options.pageOrigin)
      return {
        id: item.id,
        name: displayName(item),
        detail: [item.id, item.owner === 'own' ? 'yours' : item.owner === 'public' ? 'public' : undefined]
          .filter(Boolean)
          .join(' · '),
        ...(item.description ? { description: item.description } : {}),
        ...(previewSrc ? { previewSrc } : {}),
        selected: item.id === options.currentId,
      }
    })
}

/** The line above the list: how many there are, or why there are none. */
export function catalogSummary(kind: CatalogKind, total: number, shown: number): string {
  if (total === 0) return `The provider offers no ${CATALOG_LABELS[kind]} for this key.`
  if (shown === total) return `${total} ${CATALOG_LABELS[kind]}: choose one to fill in its id.`
  return `${shown} of ${total} ${CATALOG_LABELS[kind]} match.`
}
