import type { ConversationMode } from '../conversation/conversation-mode'

/**
 * The facts a privacy line may speak of. Each sentence below must stay true to what the app does; when the code
 * changes what leaves the machine or what is kept, change the sentence with it (the unit test lists them all).
 */
export interface PrivacyFacts {
  /** `asleep`: the attract screen, where only the on-device wake detectors run and no session is open. */
  screen: 'asleep' | 'live'
  /** Who answers while live (`effectiveConversationMode`); ignored while asleep. */
  mode: ConversationMode
  micInUse: boolean
  cameraInUse: boolean
  /**
   * `conversation.logTranscripts`: main writes the visitor's words and the answers to its log, which it only
   * does in our-LLM mode (in provider mode the captions live in the page's memory only).
   */
  logTranscripts: boolean
}

// Asleep, the voice-activity detector runs in this page on the microphone and nothing else hears it.
export const ASLEEP_MIC = 'Listening on this device for a hello; no sound is recorded or sent.'
// Asleep or live, the face detector runs in a worker on a few frames a second; frames are dropped after use.
export const ASLEEP_CAMERA = 'The camera looks for a face on this device; no picture is stored or sent.'
export const LIVE_CAMERA =
  'The camera only checks, on this device, that someone is here; no picture is stored or sent.'
// Provider mode publishes the microphone to the provider's room: its speech-to-text and LLM answer.
export const LIVE_MIC_PROVIDER = 'Your speech goes to the avatar service so that it can answer.'
// Our-LLM mode: the page sends each utterance to main, which sends it to the configured transcription and LLM hosts.
export const LIVE_MIC_LLM =
  'Your speech is transcribed and answered by the AI service this kiosk is set up with.'
export const NOTHING_STORED = 'Nothing is stored on this kiosk.'
export const WORDS_LOGGED = 'This kiosk keeps a written log of what is said; no sound is stored.'

/** One short line on what the microphone and camera are used for right now; '' when neither is in use. */
export function privacyLine(facts: PrivacyFacts): string {
  if (!facts.micInUse && !facts.cameraInUse) return ''
  if (facts.screen === 'asleep') {
    return [facts.micInUse ? ASLEEP_MIC : '', facts.cameraInUse ? ASLEEP_CAMERA : '']
      .filter(Boolean)
      .join(' ')
  }
  const sentences: string[] = []
  if (facts.micInUse) sentences.push(facts.mode === 'llm' ? LIVE_MIC_LLM : LIVE_MIC_PROVIDER)
  if (facts.cameraInUse) sentences.push(LIVE_CAMERA)
  // Only speech can end up in the log: a camera-only line says nothing about it.
  if (facts.micInUse)
    sentences.push(facts.mode === 'llm' && facts.logTranscripts ? WORDS_LOGGED : NOTHING_STORED)
  return sentences.join(' ')
}
