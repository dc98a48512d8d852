import type { CatalogKind } from '../../../shared/contract'
import type { ProviderKind } from '../../../shared/settings/schema'

/** One editable setting in the admin panel, addressed by its path in the settings tree. */
export interface AdminField {
  path: string
  label: string
  kind: 'text' | 'textarea' | 'select' | 'checkbox' | 'number' | 'url'
  options?: readonly { value: string; label: string }[]
  hint?: string
  /** Offers a "Load from provider" list of this catalogue that fills the field with the chosen id. */
  catalog?: CatalogKind
  /** Only meaningful for this provider kind; hidden (but kept) for the other. */
  onlyFor?: ProviderKind
}

export interface AdminSection {
  id: string
  title: string
  /** Starts with the provider preset select, which sets `provider.kind` and `provider.baseUrl`. */
  providerPreset?: boolean
  fields: readonly AdminField[]
  /** Secret slots shown in this section: set or clear only, never displayed. */
  secrets?: readonly { name: 'providerApiKey' | 'llmApiKey'; label: string }[]
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    id: 'provider',
    title: 'Avatar service',
    providerPreset: true,
    secrets: [{ name: 'providerApiKey', label: 'Avatar service API key' }],
    fields: [
      {
        path: 'provider.kind',
        label: 'Protocol',
        kind: 'select',
        options: [
          { value: 'liveavatar', label: 'LiveAvatar' },
          { value: 'heygen', label: 'HeyGen Interactive Avatar (legacy)' },
        ],
      },
      {
        path: 'provider.baseUrl',
        label: 'Service URL',
        kind: 'url',
        hint: 'Empty: the protocol’s own API. Another URL makes the preset “Custom URL”',
      },
      {
        path: 'provider.liveavatar.mode',
        label: 'LiveAvatar mode',
        kind: 'select',
        onlyFor: 'liveavatar',
        options: [
          { value: 'full', label: 'FULL: LiveAvatar listens, answers and speaks' },
          { value: 'lite', label: 'LITE: it only renders speech from our own LLM (half the credits)' },
        ],
      },
      {
        path: 'provider.liveavatar.sandbox',
        label: 'LiveAvatar test sessions (free, about a minute each, one avatar)',
        kind: 'checkbox',
        onlyFor: 'liveavatar',
      },
      {
        path: 'provider.liveavatar.maxSessionDurationSeconds',
        label: 'Longest session (s)',
        kind: 'number',
        onlyFor: 'liveavatar',
        hint: '0: your plan’s limit. The kiosk hands over to a fresh session before it ends',
      },
      {
        path: 'avatar.id',
        label: 'Avatar id',
        kind: 'text',
        catalog: 'avatars',
        hint: 'Empty: the provider’s sample avatar',
      },
      {
        path: 'avatar.quality',
        label: 'Video quality',
        kind: 'select',
        options: [
          { value: 'low', label: 'Low (360p)' },
          { value: 'medium', label: 'Medium (480p)' },
          { value: 'high', label: 'High (720p)' },
        ],
      },
      {
        path: 'avatar.voiceId',
        label: 'Voice id',
        kind: 'text',
        catalog: 'voices',
        hint: 'Empty for the avatar’s own voice',
      },
      {
        path: 'avatar.contextId',
        label: 'Context id',
        kind: 'text',
        catalog: 'contexts',
        onlyFor: 'liveavatar',
        hint: 'LiveAvatar’s knowledge base and persona (FULL mode); without one the avatar does not answer',
      },
      { path: 'avatar.language', label: 'Language', kind: 'text', hint: 'e.g. en, de, fr-CA' },
      {
        path: 'avatar.knowledgeBase',
        label: 'Knowledge base (provider mode)',
        kind: 'textarea',
        onlyFor: 'heygen',
        hint: 'What the avatar knows and how it behaves when the provider answers',
      },
      {
        path: 'avatar.knowledgeId',
        label: 'Knowledge base id',
        kind: 'text',
        onlyFor: 'heygen',
        hint: 'Instead of the text above',
      },
      {
        path: 'avatar.transport',
        label: 'Voice transport',
        kind: 'select',
        // Shown for both kinds: push-to-talk is validated against it (LiveAvatar itself always uses LiveKit).
        hint: 'HeyGen legacy only; LiveAvatar always uses LiveKit. Push-to-talk needs LiveKit here',
        options: [
          { value: 'websocket', label: 'WebSocket' },
          { value: 'livekit', label: 'LiveKit (needed for push-to-talk)' },
        ],
      },
      { path: 'avatar.pushToTalk', label: 'Push-to-talk (hold a button to speak)', kind: 'checkbox' },
      {
        path: 'avatar.activityIdleTimeoutSeconds',
        label: 'Close an unused session after (s)',
        kind: 'number',
        onlyFor: 'heygen',
        hint: '30–3600; the kiosk keeps it alive while visitors are engaged and reconnects when needed',
      },
    ],
  },
  {
    id: 'conversation',
    title: 'Conversation',
    secrets: [{ name: 'llmApiKey', label: 'LLM API key' }],
    fields: [
      {
        path: 'conversation.mode',
        label: 'Who answers',
        kind: 'select',
        options: [
          { value: 'provider', label: 'The avatar service (its knowledge base)' },
          { value: 'llm', label: 'Our own LLM' },
        ],
        hint: 'LiveAvatar LITE has no LLM of its own: there the kiosk always answers with our own LLM',
      },
      { path: 'llm.baseUrl', label: 'LLM URL', kind: 'url', hint: 'Any OpenAI-compatible server' },
      { path: 'llm.model', label: 'LLM model', kind: 'text' },
      { path: 'llm.systemPrompt', label: 'System prompt', kind: 'textarea' },
      {
        path: 'llm.transcriptionModel',
        label: 'Speech-to-text model',
        kind: 'text',
        hint: 'whisper-1 or gpt-4o-mini-transcribe for OpenAI',
      },
      {
        path: 'llm.transcriptionBaseUrl',
        label: 'Speech-to-text URL',
        kind: 'url',
        hint: 'Empty: the LLM URL',
      },
      {
        path: 'llm.speech.model',
        label: 'Text-to-speech model (LiveAvatar LITE)',
        kind: 'text',
        onlyFor: 'liveavatar',
        hint: 'Any OpenAI-compatible speech model; the avatar lip-syncs what it says',
      },
      { path: 'llm.speech.voice', label: 'Text-to-speech voice', kind: 'text', onlyFor: 'liveavatar' },
      {
        path: 'llm.speech.baseUrl',
        label: 'Text-to-speech URL',
        kind: 'url',
        onlyFor: 'liveavatar',
        hint: 'Empty: the LLM URL',
      },
      {
        path: 'llm.speech.timeoutMs',
        label: 'Text-to-speech timeout (ms)',
        kind: 'number',
        onlyFor: 'liveavatar',
      },
      {
        path: 'conversation.greeting',
        label: 'Greeting',
        kind: 'text',
        hint: 'Said when the avatar appears; empty for none',
      },
      {
        path: 'conversation.fallbackLine',
        label: 'Fallback line',
        kind: 'text',
        hint: 'Said when speech-to-text or the LLM fails or is too slow',
      },
      {
        path: 'conversation.turnTaking',
        label: 'When the avatar answers',
        kind: 'select',
        options: [
          { value: 'quick', label: 'Quick: a complete question is answered as soon as the visitor pauses' },
          {
            value: 'speculative',
            label: 'Prepared: the answer is prepared in short pauses, spoken after a full pause',
          },
          { value: 'patient', label: 'Patient: only after a full pause (no extra LLM calls)' },
        ],
        hint: 'Our own LLM only. Answers prepared for a visitor who then goes on are cancelled and counted in Usage',
      },
      { path: 'conversation.textInput', label: 'Show a text box for typed questions', kind: 'checkbox' },
      { path: 'conversation.bargeIn', label: 'Visitors may interrupt the avatar', kind: 'checkbox' },
      { path: 'conversation.muteButton', label: 'Show a microphone mute button', kind: 'checkbox' },
      {
        path: 'conversation.logTranscripts',
        label: 'Write what visitors say to the log',
        kind: 'checkbox',
        hint: 'Off by default: transcripts otherwise stay in memory for the current visitor only',
      },
      {
        path: 'llm.maxTurns',
        label: 'Turns remembered',
        kind: 'number',
        hint: 'Questions and answers sent with each new question, the new one included',
      },
      {
        path: 'llm.maxHistoryTokens',
        label: 'History budget (tokens)',
        kind: 'number',
        hint: 'Older turns are dropped first when the history grows past this',
      },
      {
        path: 'llm.timeouts.transcriptionMs',
        label: 'Speech-to-text timeout (ms)',
        kind: 'number',
      },
      {
        path: 'llm.timeouts.firstTokenMs',
        label: 'Timeout until the first word (ms)',
        kind: 'number',
      },
      { path: 'llm.timeouts.totalMs', label: 'Timeout for a whole answer (ms)', kind: 'number' },
    ],
  },
  {
    id: 'display',
    title: 'Display',
    fields: [
      {
        path: 'display.windowMode',
        label: 'Window',
        kind: 'select',
        options: [
          { value: 'kiosk', label: 'Kiosk (locked fullscreen)' },
          { value: 'fullscreen', label: 'Fullscreen' },
          { value: 'windowed', label: 'Window' },
        ],
      },
      { path: 'display.chromaKey.enabled', label: 'Remove the green screen', kind: 'checkbox' },
      {
        path: 'display.chromaKey.similarity',
        label: 'Key similarity (0–1)',
        kind: 'number',
        hint: 'Higher removes more green',
      },
      { path: 'display.chromaKey.smoothness', label: 'Edge softness (0–1)', kind: 'number' },
      { path: 'display.chromaKey.spill', label: 'Green spill removal (0–1)', kind: 'number' },
      {
        path: 'display.chromaKey.renderer',
        label: 'Keying runs on',
        kind: 'select',
        hint: 'Applies when the kiosk next starts',
        options: [
          { value: 'auto', label: 'Automatic: the GPU, or the CPU keyer where WebGL is software' },
          { value: 'gpu', label: 'GPU (WebGL)' },
          { value: 'cpu', label: 'CPU' },
        ],
      },
      { path: 'display.captions.avatar', label: 'Captions of the avatar', kind: 'checkbox' },
      { path: 'display.captions.visitor', label: 'Captions of the visitor', kind: 'checkbox' },
      { path: 'display.showIndicators', label: 'Listening and speaking indicators', kind: 'checkbox' },
      { path: 'display.showConnectionQuality', label: 'Connection quality badge', kind: 'checkbox' },
      {
        path: 'display.background.type',
        label: 'Background',
        kind: 'select',
        options: [
          { value: 'color', label: 'Colour' },
          { value: 'image', label: 'Image' },
          { value: 'video', label: 'Looping video' },
          { value: 'gradient', label: 'Gradient' },
        ],
      },
      {
        path: 'display.background.value',
        label: 'Background value',
        kind: 'text',
        hint: 'A colour (#0b1d2a), a file name from the backgrounds folder, or a CSS gradient',
      },
    ],
  },
  {
    id: 'attract',
    title: 'Attract mode',
    fields: [
      {
        path: 'attract.enabled',
        label: 'Sleep on an attract screen while nobody is there (no session, no credits)',
        kind: 'checkbox',
      },
      {
        path: 'attract.idleSeconds',
        label: 'Sleep after this many seconds without a visitor',
        kind: 'number',
        hint: '5 to 3600',
      },
      { path: 'attract.goodbye', label: 'Goodbye line', kind: 'text', hint: 'Empty: no goodbye' },
      { path: 'attract.wake.touch', label: 'Wake on a touch', kind: 'checkbox' },
      {
        path: 'attract.wake.voice',
        label: 'Wake on a voice',
        kind: 'checkbox',
        hint: 'Detected on this computer; no sound leaves it until the avatar is awake',
      },
      {
        path: 'attract.wake.camera',
        label: 'Wake when a face is seen',
        kind: 'checkbox',
        hint: 'Turns the camera on: a face detector on this computer looks at about 3 frames a second and wakes the kiosk when someone faces it; no picture is stored, shown or sent, and the kiosk may use the camera only while this is ticked',
      },
      {
        path: 'attract.screen.kind',
        label: 'Attract screen',
        kind: 'select',
        options: [
          { value: 'text', label: 'Text over the background' },
          { value: 'image', label: 'Image' },
          { value: 'video', label: 'Muted looping video' },
        ],
      },
      {
        path: 'attract.screen.media',
        label: 'Attract image or video',
        kind: 'text',
        hint: 'A file name from the backgrounds folder',
      },
      { path: 'attract.screen.text', label: 'Attract text', kind: 'text' },
    ],
  },
  {
    id: 'schedule',
    title: 'Opening hours and budget',
    fields: [
      {
        path: 'schedule.timeZone',
        label: 'Time zone',
        kind: 'text',
        hint: 'Such as Europe/Berlin; empty: this computer’s',
      },
      { path: 'schedule.closedText', label: 'Closed screen text', kind: 'text' },
      {
        path: 'budget.dailyMinutes',
        label: 'Session minutes a day',
        kind: 'number',
        hint: '0: no cap. Once reached, the kiosk sleeps until tomorrow',
      },
    ],
  },
  {
    id: 'notices',
    title: 'Notices and costs',
    fields: [
      {
        path: 'notices.aiDisclosure',
        label: 'AI notice',
        kind: 'text',
        hint: 'Shown on the attract screen and while live (EU AI Act Article 50)',
      },
      {
        path: 'notices.privacyLine',
        label: 'Say what the microphone and camera are used for',
        kind: 'checkbox',
      },
      { path: 'usage.rates.liveavatarFull', label: 'LiveAvatar FULL credits a minute', kind: 'number' },
      { path: 'usage.rates.liveavatarLite', label: 'LiveAvatar LITE credits a minute', kind: 'number' },
      { path: 'usage.rates.heygen', label: 'Legacy HeyGen credits a minute', kind: 'number' },
    ],
  },
]

export function readPath(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], source)
}

export function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {}
    node = node[key] as Record<string, unknown>
  }
  node[keys.at(-1) as string] = value
}
