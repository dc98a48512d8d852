import { describe, expect, it } from 'vitest'
import { liveNoticeTexts, type NoticeState } from '../../../src/renderer/src/attract/notices'
import { privacyLine, type PrivacyFacts } from '../../../src/renderer/src/attract/privacy-line'
import { SettingsSchema, type Settings } from '../../../src/shared/settings/schema'

const screens = ['asleep', 'live'] as const
const modes = ['provider', 'llm'] as const
const flags = [false, true] as const

const everyCombination: PrivacyFacts[] = screens.flatMap((screen) =>
  modes.flatMap((mode) =>
    flags.flatMap((micInUse) =>
      flags.flatMap((cameraInUse) =>
        flags.map((logTranscripts) => ({ screen, mode, micInUse, cameraInUse, logTranscripts })),
      ),
    ),
  ),
)

describe('privacyLine', () => {
  it('covers all 32 combinations', () => {
    expect(everyCombination).toHaveLength(32)
  })

  it.each(everyCombination)('tells the truth for %j', (facts) => {
    const line = privacyLine(facts)
    const mentionsSound = /speech|hello|sound/i.test(line)
    const mentionsCamera = /camera|picture/i.test(line)

    // Nothing in use: nothing to say.
    expect(line === '').toBe(!facts.micInUse && !facts.cameraInUse)
    // Each sensor is mentioned exactly when it is in use.
    expect(mentionsCamera).toBe(facts.cameraInUse)
    if (facts.micInUse) expect(mentionsSound).toBe(true)
    else expect(/speech|hello|listening/i.test(line)).toBe(false)

    if (facts.screen === 'asleep') {
      // Asleep no session is open and the detectors run here: nothing may be said to go to a service.
      expect(line).not.toMatch(/service/i)
      if (facts.micInUse) expect(line).toContain('no sound is recorded or sent')
      if (facts.cameraInUse) expect(line).toContain('no picture is stored or sent')
      return
    }

    if (facts.micInUse) {
      // Live, speech does leave the machine, and the line says to whom.
      expect(line).toMatch(
        facts.mode === 'provider' ? /avatar service/ : /transcribed and answered by the AI service/,
      )
      // Our-LLM mode with transcripts logged must not claim that nothing is stored.
      const logged = facts.mode === 'llm' && facts.logTranscripts
      expect(line.includes('Nothing is stored')).toBe(!logged)
      expect(/log of what is said/.test(line)).toBe(logged)
    } else {
      expect(line).not.toMatch(/service|log/i)
    }
    if (facts.cameraInUse) expect(line).toContain('no picture is stored or sent')
  })

  it('reads as the operator expects in the common cases', () => {
    const base = { mode: 'provider', logTranscripts: false } as const
    expect(privacyLine({ ...base, screen: 'asleep', micInUse: true, cameraInUse: false })).toBe(
      'Listening on this device for a hello; no sound is recorded or sent.',
    )
    expect(privacyLine({ ...base, screen: 'asleep', micInUse: false, cameraInUse: true })).toBe(
      'The camera looks for a face on this device; no picture is stored or sent.',
    )
    expect(privacyLine({ ...base, screen: 'live', micInUse: true, cameraInUse: false })).toBe(
      'Your speech goes to the avatar service so that it can answer. Nothing is stored on this kiosk.',
    )
    expect(
      privacyLine({ screen: 'live', mode: 'llm', logTranscripts: true, micInUse: true, cameraInUse: false }),
    ).toBe(
      'Your speech is transcribed and answered by the AI service this kiosk is set up with. ' +
        'This kiosk keeps a written log of what is said; no sound is stored.',
    )
  })
})

function settings(patch: (draft: Settings) => void = () => {}): Settings {
  const parsed = SettingsSchema.parse({})
  patch(parsed)
  return parsed
}

describe('liveNoticeTexts', () => {
  const asleepStates: NoticeState[] = ['starting', 'attract', 'closed', 'budget']
  const stageStates: NoticeState[] = ['waking', 'live', 'sleeping']

  it.each(asleepStates)('leaves the stage corner empty in %s (the sleep screen has its own)', (state) => {
    expect(liveNoticeTexts({ state, settings: settings(), micInUse: true, cameraInUse: true })).toEqual({
      ai: '',
      privacy: '',
    })
  })

  it.each(stageStates)('shows the AI notice and the privacy line in %s', (state) => {
    const texts = liveNoticeTexts({ state, settings: settings(), micInUse: true, cameraInUse: false })
    expect(texts.ai).toBe('You are talking to an AI avatar.')
    expect(texts.privacy).toContain('avatar service')
  })

  it('hides what the operator switched off', () => {
    const quiet = settings((draft) => {
      draft.notices.aiDisclosure = ''
      draft.notices.privacyLine = false
    })
    expect(liveNoticeTexts({ state: 'live', settings: quiet, micInUse: true, cameraInUse: true })).toEqual({
      ai: '',
      privacy: '',
    })
  })

  it('follows the effective conversation mode: LiveAvatar LITE always answers with our LLM', () => {
    const lite = settings((draft) => {
      draft.provider.kind = 'liveavatar'
      draft.provider.liveavatar.mode = 'lite'
      draft.conversation.mode = 'provider'
      draft.conversation.logTranscripts = true
    })
    const texts = liveNoticeTexts({ state: 'live', settings: lite, micInUse: true, cameraInUse: false })
    expect(texts.privacy).toContain('transcribed and answered by the AI service')
    expect(texts.privacy).toContain('log of what is said')
    // A session without a voice chat of its own (told by the caller) also means our LLM.
    const told = liveNoticeTexts({
      state: 'live',
      settings: settings(),
      micInUse: true,
      cameraInUse: false,
      mode: 'llm',
    })
    expect(told.privacy).toContain('transcribed')
  })
})
