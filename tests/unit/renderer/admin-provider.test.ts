import { describe, expect, it } from 'vitest'
import { catalogEntries, catalogSummary, loadablePreview } from '../../../src/renderer/src/admin/catalog-view'
import { applyPreset, PRESET_OPTIONS, presetOf } from '../../../src/renderer/src/admin/provider-preset'
import { effectiveConversationMode } from '../../../src/renderer/src/conversation/conversation-mode'
import { nextCaption } from '../../../src/renderer/src/stage/conversation-overlay'
import { SettingsSchema } from '../../../src/shared/settings/schema'

const PAGE = 'http://127.0.0.1:4173'

describe('provider presets', () => {
  it('offers LiveAvatar, HeyGen, KonPro and a custom URL', () => {
    expect(PRESET_OPTIONS.map((option) => option.value)).toEqual(['liveavatar', 'heygen', 'konpro', 'custom'])
  })

  it('recognises a stored provider, an empty URL being its kind’s own API', () => {
    expect(presetOf({ kind: 'liveavatar', baseUrl: '' })).toBe('liveavatar')
    expect(presetOf({ kind: 'heygen', baseUrl: '' })).toBe('heygen')
    expect(presetOf({ kind: 'heygen', baseUrl: 'https://api.heygen.com/' })).toBe('heygen')
    expect(presetOf({ kind: 'heygen', baseUrl: 'https://api.konpro.ai' })).toBe('konpro')
    // KonPro's URL spoken as LiveAvatar is not the KonPro preset.
    expect(presetOf({ kind: 'liveavatar', baseUrl: 'https://api.konpro.ai' })).toBe('custom')
    expect(presetOf({ kind: 'liveavatar', baseUrl: 'http://127.0.0.1:8080' })).toBe('custom')
  })

  it('sets the kind and URL for a preset, and keeps what was typed for a custom URL', () => {
    const typed = { kind: 'liveavatar' as const, baseUrl: 'https://proxy.example/la' }
    expect(applyPreset('liveavatar', typed)).toEqual({ kind: 'liveavatar', baseUrl: '' })
    expect(applyPreset('heygen', typed)).toEqual({ kind: 'heygen', baseUrl: '' })
    expect(applyPreset('konpro', typed)).toEqual({ kind: 'heygen', baseUrl: 'https://api.konpro.ai' })
    expect(applyPreset('custom', typed)).toBe(typed)
    for (const preset of ['liveavatar', 'heygen', 'konpro'] as const)
      expect(presetOf(applyPreset(preset, typed))).toBe(preset)
  })
})

describe('catalog pickers', () => {
  const items = [
    { id: 'b-2', name: 'Bryan', owner: 'public' as const, previewUrl: 'https://files.liveavatar.com/b.jpg' },
    { id: 'a-1', name: 'Anna', owner: 'public' as const, previewUrl: 'data:image/png;base64,iVBORw0KGgo=' },
    { id: 'm-9', name: 'My lobby host', owner: 'own' as const, description: 'Trained on our lobby' },
    { id: 'x-0', name: '  ' },
  ]

  it('lists the account’s own first, then by name, with id and origin, marking the current one', () => {
    const entries = catalogEntries(items, { currentId: 'a-1', pageOrigin: PAGE })
    expect(entries.map((entry) => [entry.name, entry.detail, entry.selected])).toEqual([
      ['My lobby host', 'm-9 · yours', false],
      ['Anna', 'a-1 · public', true],
      ['Bryan', 'b-2 · public', false],
      ['x-0', 'x-0', false],
    ])
    expect(entries[0]?.description).toBe('Trained on our lobby')
  })

  it('shows only previews the CSP lets the page load; a remote one leaves name and id', () => {
    const entries = catalogEntries(items, { currentId: '', pageOrigin: PAGE })
    const byId = new Map(entries.map((entry) => [entry.id, entry]))
    expect(byId.get('a-1')?.previewSrc).toBe('data:image/png;base64,iVBORw0KGgo=')
    expect(byId.get('b-2')?.previewSrc).toBeUndefined()
    expect(byId.get('b-2')).toMatchObject({ name: 'Bryan', detail: 'b-2 · public' })
    expect(loadablePreview(`${PAGE}/media/preview.png`, PAGE)).toBe(`${PAGE}/media/preview.png`)
    expect(loadablePreview('./media/preview.png', PAGE)).toBe('./media/preview.png')
    expect(loadablePreview('blob:http://127.0.0.1:4173/1234', PAGE)).toBe('blob:http://127.0.0.1:4173/1234')
    expect(loadablePreview('javascript:alert(1)', PAGE)).toBeUndefined()
    expect(loadablePreview(undefined, PAGE)).toBeUndefined()
  })

  it('filters by name or id and says how many match', () => {
    const entries = catalogEntries(items, { currentId: '', pageOrigin: PAGE, query: ' ANN ' })
    expect(entries.map((entry) => entry.id)).toEqual(['a-1'])
    expect(catalogEntries(items, { currentId: '', pageOrigin: PAGE, query: 'm-9' })).toHaveLength(1)
    expect(catalogSummary('avatars', 4, 1)).toBe('1 of 4 avatars match.')
    expect(catalogSummary('voices', 4, 4)).toBe('4 voices: choose one to fill in its id.')
    expect(catalogSummary('contexts', 0, 0)).toBe('The provider offers no contexts for this key.')
  })
})

describe('conversation mode', () => {
  const settings = (input: object) => SettingsSchema.parse(input)

  it('LiveAvatar LITE always answers with our own LLM: it has none of its own', () => {
    const lite = settings({ provider: { kind: 'liveavatar', liveavatar: { mode: 'lite' } } })
    expect(lite.conversation.mode).toBe('provider')
    expect(effectiveConversationMode(lite)).toBe('llm')
    expect(effectiveConversationMode(settings({ provider: { kind: 'liveavatar' } }))).toBe('provider')
    expect(effectiveConversationMode(settings({ conversation: { mode: 'llm' } }))).toBe('llm')
  })

  it('a live session without a voice chat of its own means our own LLM, whatever the settings say', () => {
    expect(
      effectiveConversationMode(settings({}), { speaksText: false, speaksAudio: true, voiceChat: false }),
    ).toBe('llm')
    expect(
      effectiveConversationMode(settings({}), { speaksText: true, speaksAudio: false, voiceChat: true }),
    ).toBe('provider')
  })
})

describe('captions', () => {
  it('appends streamed words, and replaces the caption with a cumulative transcript', () => {
    expect(nextCaption('Ground', { text: 'floor.' })).toBe('Ground floor.')
    expect(nextCaption('Where is', { text: 'Where is  the cafe', cumulative: true })).toBe(
      'Where is the cafe',
    )
    expect(nextCaption('Where is the', { text: 'Where is the café?', cumulative: true })).toBe(
      'Where is the café?',
    )
  })
})
