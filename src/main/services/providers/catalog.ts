import { z } from 'zod'
import type { CatalogItem, CatalogKind } from '../../../shared/contract'
import { BridgeError } from '../../../shared/result'
import { liveAvatarData, liveAvatarFailure } from './liveavatar-token'
import {
  PROVIDER_TIMEOUT_MS,
  ProviderError,
  commonFailure,
  providerRequest,
  type ProviderCallOptions,
} from './provider-errors'

/** The contract allows 2000 items; a few pages of 100 cover any real account, and a runaway `next` stops here. */
export const CATALOG_PAGE_SIZE = 100
export const CATALOG_MAX_PAGES = 10
export const CATALOG_MAX_ITEMS = 2000

// Lenient parsing: unknown fields are ignored, and an entry without an id is skipped rather than failing the
// whole list (the admin panel would rather show 99 avatars than none).
const text = z.string().trim().min(1)
const optionalText = z.string().nullish().catch(undefined)

const LiveAvatarAvatarSchema = z.object({
  id: text,
  name: optionalText,
  preview_url: optionalText,
  status: optionalText,
  is_expired: z.boolean().nullish().catch(undefined),
})
const LiveAvatarVoiceSchema = z.object({
  id: text,
  name: optionalText,
  language: optionalText,
  gender: optionalText,
})
const LiveAvatarContextSchema = z.object({ id: text, name: optionalText })
const HeygenAvatarSchema = z.object({
  avatar_id: text,
  pretty_name: optionalText,
  normal_preview: optionalText,
})

const HeygenEnvelopeSchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  data: z.unknown().optional(),
})

/** A page of results: LiveAvatar pages as `{count, next, results}`; a bare array is accepted too. */
const PageSchema = z.union([
  z.array(z.unknown()),
  z.object({ results: z.array(z.unknown()), next: z.unknown().optional() }),
])

export interface Page {
  entries: unknown[]
  hasNext: boolean
}

export function readPage(data: unknown): Page | undefined {
  const page = PageSchema.safeParse(data)
  if (!page.success) return undefined
  if (Array.isArray(page.data)) return { entries: page.data, hasNext: false }
  const { next } = page.data
  return { entries: page.data.results, hasNext: next !== undefined && next !== null && next !== '' }
}

function parseEach<T>(
  entries: unknown[],
  schema: z.ZodType<T>,
  map: (entry: T) => CatalogItem,
): CatalogItem[] {
  return entries.flatMap((entry) => {
    const parsed = schema.safeParse(entry)
    return parsed.success ? [map(parsed.data)] : []
  })
}

const present = <K extends string>(key: K, value: string | null | undefined) =>
  (value ? { [key]: value } : {}) as Partial<Record<K, string>>

export function parseLiveAvatarAvatars(entries: unknown[], owner: 'own' | 'public'): CatalogItem[] {
  return parseEach(entries, LiveAvatarAvatarSchema, (avatar) => ({
    id: avatar.id,
    name: avatar.name || avatar.id,
    owner,
    ...present('previewUrl', avatar.preview_url),
    // An avatar that cannot stream yet (or any more) is listed, but says why.
    ...present(
      'description',
      avatar.is_expired
        ? 'expired'
        : avatar.status && avatar.status !== 'ACTIVE'
          ? avatar.status.toLowerCase()
          : '',
    ),
  }))
}

export function parseLiveAvatarVoices(entries: unknown[]): CatalogItem[] {
  return parseEach(entries, LiveAvatarVoiceSchema, (voice) => ({
    id: voice.id,
    name: voice.name || voice.id,
    ...present('description', [voice.language, voice.gender].filter(Boolean).join(', ')),
  }))
}

export function parseLiveAvatarContexts(entries: unknown[]): CatalogItem[] {
  return parseEach(entries, LiveAvatarContextSchema, (context) => ({
    id: context.id,
    name: context.name || context.id,
  }))
}

/** `GET /v1/streaming/avatar.list` answers `{data: [...]}` (some versions `{data: {avatars: [...]}}`). */
export function parseHeygenAvatars(data: unknown): CatalogItem[] | undefined {
  const list = Array.isArray(data)
    ? data
    : z.object({ avatars: z.array(z.unknown()) }).safeParse(data).data?.avatars
  if (!list) return undefined
  return parseEach(list, HeygenAvatarSchema, (avatar) => ({
    id: avatar.avatar_id,
    name: avatar.pretty_name || avatar.avatar_id,
    ...present('previewUrl', avatar.normal_preview),
  }))
}

/** Own and public lists name some avatars twice; the account's own entry wins. */
export function mergeById(...lists: CatalogItem[][]): CatalogItem[] {
  const byId = new Map<string, CatalogItem>()
  for (const item of lists.flat()) if (!byId.has(item.id)) byId.set(item.id, item)
  return [...byId.values()].slice(0, CATALOG_MAX_ITEMS)
}

function unexpected(status: number): ProviderError {
  return new ProviderError('provider-error', 'The avatar service sent an unexpected catalogue reply.', {
    status,
  })
}

/** Follows `page` until the provider says there is no next page, or the cap. */
async function liveAvatarList(
  options: ProviderCallOptions,
  path: string,
  query: Record<string, string> = {},
) {
  const entries: unknown[] = []
  for (let page = 1; page <= CATALOG_MAX_PAGES && entries.length < CATALOG_MAX_ITEMS; page += 1) {
    const params = new URLSearchParams({ ...query, page: String(page), page_size: String(CATALOG_PAGE_SIZE) })
    const reply = await providerRequest({
      url: `${options.baseUrl}${path}?${params}`,
      method: 'GET',
      headers: { 'X-API-KEY': options.apiKey },
      timeoutMs: options.timeoutMs ?? PROVIDER_TIMEOUT_MS,
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    })
    const failure = liveAvatarFailure(reply, 'catalogue request')
    if (failure) throw failure
    const parsed = readPage(liveAvatarData(reply))
    if (!parsed) throw unexpected(reply.status)
    entries.push(...parsed.entries)
    if (!parsed.hasNext || parsed.entries.length === 0) break
  }
  return entries
}

export async function fetchLiveAvatarCatalog(
  options: ProviderCallOptions,
  kind: CatalogKind,
): Promise<CatalogItem[]> {
  if (kind === 'avatars') {
    const [own, shared] = await Promise.all([
      liveAvatarList(options, '/v1/avatars'),
      liveAvatarList(options, '/v1/avatars/public'),
    ])
    return mergeById(parseLiveAvatarAvatars(own, 'own'), parseLiveAvatarAvatars(shared, 'public'))
  }
  if (kind === 'voices') return mergeById(parseLiveAvatarVoices(await liveAvatarList(options, '/v1/voices')))
  return mergeById(parseLiveAvatarContexts(await liveAvatarList(options, '/v1/contexts')))
}

export async function fetchHeygenCatalog(
  options: ProviderCallOptions,
  kind: CatalogKind,
): Promise<CatalogItem[]> {
  if (kind !== 'avatars') {
    throw new BridgeError({
      code: 'not-supported',
      message:
        kind === 'voices'
          ? 'The legacy HeyGen API cannot list voices here; enter a voice id by hand.'
          : 'Contexts belong to LiveAvatar; the legacy HeyGen API uses a knowledge base id instead.',
    })
  }
  const reply = await providerRequest({
    url: `${options.baseUrl}/v1/streaming/avatar.list`,
    method: 'GET',
    headers: { 'X-Api-Key': options.apiKey },
    timeoutMs: options.timeoutMs ?? PROVIDER_TIMEOUT_MS,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  })
  const envelope = HeygenEnvelopeSchema.safeParse(reply.body)
  const common = commonFailure(reply, envelope.data?.code)
  if (common) throw common
  if (!reply.ok) {
    throw new ProviderError(
      'provider-error',
      `The avatar service reported an error (HTTP ${reply.status}).`,
      {
        status: reply.status,
        ...(envelope.data?.code !== undefined ? { providerCode: envelope.data.code } : {}),
      },
    )
  }
  const items = parseHeygenAvatars(envelope.data?.data)
  if (!items) throw unexpected(reply.status)
  return mergeById(items)
}
