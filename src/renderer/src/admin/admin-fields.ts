/** One editable setting in the admin panel, addressed by its path in the settings tree. */
export interface AdminField {
  path: string
  label: string
  kind: 'text' | 'textarea' | 'select' | 'checkbox' | 'number' | 'url'
  options?: readonly { value: string; label: string }[]
  hint?: string
}

export interface AdminSection {
  id: string
  title: string
  fields: readonly AdminField[]
  /** Secret slots shown in this section: set or clear only, never displayed. */
  secrets?: readonly { name: 'providerApiKey' | 'llmApiKey'; label: string }[]
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    id: 'provider',
    title: 'Avatar service',
    secrets: [{ name: 'providerApiKey', label: 'HeyGen API key' }],
    fields: [
      {
        path: 'provider.baseUrl',
        label: 'Service URL',
        kind: 'url',
        hint: 'https://api.heygen.com for HeyGen',
      },
      { path: 'avatar.id', label: 'Avatar id', kind: 'text' },
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
      { path: 'avatar.voiceId', label: 'Voice id', kind: 'text', hint: 'Empty for the avatar’s own voice' },
      { path: 'avatar.language', label: 'Language', kind: 'text', hint: 'e.g. en, de, fr-CA' },
      {
        path: 'avatar.knowledgeBase',
        label: 'Knowledge base (provider mode)',
        kind: 'textarea',
        hint: 'What the avatar knows and how it behaves when the provider answers',
      },
      {
        path: 'avatar.knowledgeId',
        label: 'Knowledge base id',
        kind: 'text',
        hint: 'Instead of the text above',
      },
      {
        path: 'avatar.transport',
        label: 'Voice transport',
        kind: 'select',
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
