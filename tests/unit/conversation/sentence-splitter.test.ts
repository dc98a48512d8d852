import { describe, expect, it } from 'vitest'
import { SentenceSplitter, cleanForSpeech } from '../../../src/renderer/src/conversation/sentence-splitter'
import { splitIntoTokens } from '../../support/fake-openai'

/** Feeds `text` in `step`-sized deltas, then flushes; returns every sentence in order. */
function split(text: string, lang = 'en', step = 1, options = {}): string[] {
  const splitter = new SentenceSplitter(lang, options)
  const sentences: string[] = []
  for (let index = 0; index < text.length; index += step) {
    sentences.push(...splitter.push(text.slice(index, index + step)))
  }
  sentences.push(...splitter.flush())
  return sentences
}

/** The same text must give the same sentences however the stream happens to be chopped. */
function splitAnyhow(text: string, lang = 'en', options = {}): string[] {
  const whole = split(text, lang, text.length || 1, options)
  for (const step of [1, 2, 3, 7, 16]) expect(split(text, lang, step, options), `step ${step}`).toEqual(whole)
  return whole
}

describe('SentenceSplitter: streaming', () => {
  it('hands out a sentence at a safe end mark, otherwise once more text follows its boundary', () => {
    const splitter = new SentenceSplitter('en')
    // An ordinary word before the full stop: out at once, no wait for the next sentence.
    expect(splitter.push('Hello there.')).toEqual(['Hello there.'])
    expect(splitter.push(' ')).toEqual([])
    // "Dr." may go on: that boundary waits for what follows it.
    expect(splitter.push('Ask Dr.')).toEqual([])
    expect(splitter.push(' Smith, please')).toEqual([])
    expect(splitter.pending).toBe(' Ask Dr. Smith, please')
    expect(splitter.flush()).toEqual(['Ask Dr. Smith, please'])
    expect(splitter.flush()).toEqual([])
  })

  it('never hands out a fragment, whatever the chunking', () => {
    const text = 'We open at nine. The café is on the left! Do you need a map? Have a nice day.'
    const expected = [
      'We open at nine.',
      'The café is on the left!',
      'Do you need a map?',
      'Have a nice day.',
    ]
    expect(splitAnyhow(text)).toEqual(expected)
  })

  it('returns several sentences from one large delta, in order', () => {
    const splitter = new SentenceSplitter('en')
    expect(splitter.push('One. Two. Three. Fo')).toEqual(['One.', 'Two.', 'Three.'])
    expect(splitter.flush()).toEqual(['Fo'])
  })

  it('waits while only punctuation or a bracket follows the boundary', () => {
    const splitter = new SentenceSplitter('en')
    expect(splitter.push('It is 5 p.m. (')).toEqual([])
    // The whole sentence, at its own full stop: the p.m. boundary before the bracket was never taken.
    expect(splitter.push('local time), sharp.')).toEqual(['It is 5 p.m. (local time), sharp.'])
    expect(splitter.flush()).toEqual([])
  })

  it('reset drops what is buffered', () => {
    const splitter = new SentenceSplitter('en')
    splitter.push('Half a sent')
    splitter.reset()
    expect(splitter.pending).toBe('')
    expect(splitter.push('New one. Next')).toEqual(['New one.'])
  })

  it('gives nothing for an empty or whitespace-only stream', () => {
    expect(split('')).toEqual([])
    expect(split('   \n\n  ')).toEqual([])
  })

  it('falls back to English rules for a malformed language tag', () => {
    expect(split('First. Second.', 'not a tag!')).toEqual(['First.', 'Second.'])
  })
})

describe('SentenceSplitter: abbreviations and numbers', () => {
  it.each([
    ['Please see Dr. Smith at the desk. He is kind.', ['Please see Dr. Smith at the desk.', 'He is kind.']],
    ['Mr. and Mrs. Jones are here. Welcome!', ['Mr. and Mrs. Jones are here.', 'Welcome!']],
    ['Try a museum, e.g. The Louvre. Or a park.', ['Try a museum, e.g. The Louvre.', 'Or a park.']],
    [
      'Use the side door, i.e. The one on the left. Thanks.',
      ['Use the side door, i.e. The one on the left.', 'Thanks.'],
    ],
    ['It costs 3.5 million dollars. That is a lot.', ['It costs 3.5 million dollars.', 'That is a lot.']],
    ['Version 2.0.1 is out. Update now.', ['Version 2.0.1 is out.', 'Update now.']],
    ['J. R. R. Tolkien wrote it. Read it.', ['J. R. R. Tolkien wrote it.', 'Read it.']],
    ['The U.S. Army band plays today. Come along.', ['The U.S. Army band plays today.', 'Come along.']],
    ['We open at 9 a.m. Come early.', ['We open at 9 a.m.', 'Come early.']],
    ['We open at 9 a.m. tomorrow. See you.', ['We open at 9 a.m. tomorrow.', 'See you.']],
    ['It is on Main St. Near the bank. Easy.', ['It is on Main St. Near the bank.', 'Easy.']],
    ['Pay 1,250.75 euros. Thanks.', ['Pay 1,250.75 euros.', 'Thanks.']],
  ])('%j', (text, expected) => {
    expect(splitAnyhow(text)).toEqual(expected)
  })

  it('keeps lowercase continuations after a period together (the segmenter rule)', () => {
    expect(splitAnyhow('Bring ID, etc. and a pen. Done.')).toEqual(['Bring ID, etc. and a pen.', 'Done.'])
  })
})

describe('SentenceSplitter: languages', () => {
  it('German: abbreviations, spaced abbreviations, date ordinals and decimal commas', () => {
    expect(
      splitAnyhow(
        'Wir treffen uns am 3. Oktober. Das ist z.B. gut. Das ist z. B. gut. Herr Dr. Müller kommt. ' +
          'Es kostet 3,5 Millionen. Am 3. Oder am 4. Mai.',
        'de-DE',
      ),
    ).toEqual([
      'Wir treffen uns am 3. Oktober.',
      'Das ist z.B. gut.',
      'Das ist z. B. gut.',
      'Herr Dr. Müller kommt.',
      'Es kostet 3,5 Millionen.',
      'Am 3.',
      'Oder am 4. Mai.',
    ])
  })

  it('French: titles and the space before ? and !', () => {
    expect(
      splitAnyhow('Bonjour M. Dupont. Comment allez-vous ? Très bien ! Mme. Curie arrive.', 'fr'),
    ).toEqual(['Bonjour M. Dupont.', 'Comment allez-vous ?', 'Très bien !', 'Mme. Curie arrive.'])
  })

  it('Spanish: inverted marks start the next sentence', () => {
    expect(splitAnyhow('¿Cómo estás? ¡Muy bien! La Sra. García llega. Gracias.', 'es')).toEqual([
      '¿Cómo estás?',
      '¡Muy bien!',
      'La Sra. García llega.',
      'Gracias.',
    ])
  })

  it('Japanese: 。！？ without spaces', () => {
    expect(splitAnyhow('こんにちは。元気ですか？はい、元気です！ありがとう', 'ja')).toEqual([
      'こんにちは。',
      '元気ですか？',
      'はい、元気です！',
      'ありがとう',
    ])
  })

  it('Chinese: 。！？ and the first sentence before the second is finished', () => {
    const splitter = new SentenceSplitter('zh')
    expect(splitter.push('你好。')).toEqual(['你好。'])
    expect(splitter.push('你')).toEqual([])
    expect(splitter.push('好吗？我很好！谢谢')).toEqual(['你好吗？', '我很好！'])
    expect(splitter.flush()).toEqual(['谢谢'])
  })
})

describe('SentenceSplitter: markdown, emoji and whitespace', () => {
  it('strips headings, bullets, numbered items, emphasis, code marks and rules', () => {
    const text =
      '## Opening hours\n1. Go left.\n2. Take the **lift**.\n- Bullet one\n* Bullet _two_ `code`\n\n---\n> Quoted line.\nThanks!'
    expect(splitAnyhow(text)).toEqual([
      'Opening hours',
      'Go left.',
      'Take the lift.',
      'Bullet one',
      'Bullet _two_ code',
      'Quoted line.',
      'Thanks!',
    ])
  })

  it('keeps link text and drops the address', () => {
    expect(split('See [our website](https://example.test/a.b?c=d). Bye.')).toEqual([
      'See our website.',
      'Bye.',
    ])
  })

  it('removes emoji, flags, skin tones and keycaps; an emoji-only piece is not a sentence', () => {
    expect(splitAnyhow('Welcome! 👋🏽 We love 🇫🇷 cheese 🧀. 😀😀 Press 1️⃣ now.')).toEqual([
      'Welcome!',
      'We love cheese.',
      'Press 1 now.',
    ])
    expect(split('🎉🎉🎉')).toEqual([])
  })

  it('collapses extra spaces, tabs and newlines', () => {
    expect(splitAnyhow('  Hello   there,\t friend.\n\n\nHow   are\tyou?  \n')).toEqual([
      'Hello there, friend.',
      'How are you?',
    ])
  })

  it('ends a sentence at a line break, as headings and list items have no full stop', () => {
    expect(splitAnyhow('Opening hours\nMonday to Friday\nNine to five.')).toEqual([
      'Opening hours',
      'Monday to Friday',
      'Nine to five.',
    ])
  })

  it('does not split an address at its dots or question mark', () => {
    expect(splitAnyhow('Visit https://example.test/a.b?c=d now. Thanks.')).toEqual([
      'Visit https://example.test/a.b?c=d now.',
      'Thanks.',
    ])
  })

  it('cleanForSpeech leaves plain sentences untouched', () => {
    expect(cleanForSpeech('Plain text, 3.5 km away.')).toBe('Plain text, 3.5 km away.')
    expect(cleanForSpeech('  **Bold**  and *italic* ')).toBe('Bold and italic')
  })
})

describe('SentenceSplitter: long sentences', () => {
  const clause = 'the guided tour takes about forty minutes and starts at the main entrance'
  const long = `On weekdays ${clause}, on Saturdays ${clause}, on Sundays ${clause}, and on holidays ${clause}.`

  it('cuts a sentence over 250 characters after a clause mark, before it is finished', () => {
    expect(long.length).toBeGreaterThan(300)
    const splitter = new SentenceSplitter('en')
    const early: string[] = []
    let fed = 0
    for (; fed < long.length && early.length === 0; fed += 5)
      early.push(...splitter.push(long.slice(fed, fed + 5)))
    // Spoken before the sentence ended, and cut right after a comma.
    expect(fed).toBeLessThan(long.length)
    expect(early).toHaveLength(1)
    expect(early[0]).toMatch(/,$/)
    expect(early[0]?.length).toBeLessThanOrEqual(250)
    const rest = [...splitter.push(long.slice(fed)), ...splitter.flush()]
    expect([...early, ...rest].join(' ')).toBe(long)
    for (const piece of [...early, ...rest]) expect(piece.length).toBeLessThanOrEqual(250)
  })

  it('cuts the same way whatever the chunking', () => {
    const pieces = splitAnyhow(long)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join(' ')).toBe(long)
  })

  it('respects maxChars and does not cut a decimal comma', () => {
    const text =
      'Es kostet 3,5 Millionen Euro und wurde im Jahr 1905 gebaut, dann 1960 erneuert, zuletzt 2005 saniert.'
    const pieces = split(text, 'de', 4, { maxChars: 60, minClauseChars: 10 })
    expect(pieces).toEqual([
      'Es kostet 3,5 Millionen Euro und wurde im Jahr 1905 gebaut,',
      'dann 1960 erneuert, zuletzt 2005 saniert.',
    ])
  })

  it('falls back to a space when a long sentence has no clause mark', () => {
    const words = Array.from({ length: 80 }, (_, index) => `word${index}`).join(' ')
    const pieces = split(`${words}.`, 'en', 9)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join(' ')).toBe(`${words}.`)
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(250)
      expect(piece).toMatch(/^word\d+/)
    }
  })

  it('cuts long CJK text at 、 or ，', () => {
    const part = '这是一个很长的句子，'
    const text = `${part.repeat(40)}结束。`
    const pieces = split(text, 'zh', 3)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe(text)
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith('，')).toBe(true)
  })
})

describe('SentenceSplitter: first unit at a clause boundary', () => {
  const clause = { firstUnit: 'clause' } as const
  const breakfast =
    'Breakfast is served in the garden restaurant on the ground floor, right next to the pool, from seven ' +
    'until half past ten every morning. It has fresh pastries.'

  /** Streams `answer` token by token as the fake LLM does; returns each unit with the token count it took. */
  function streamTokens(answer: string, options = {}): { unit: string; tokens: number | 'flush' }[] {
    const splitter = new SentenceSplitter('en', options)
    const units: { unit: string; tokens: number | 'flush' }[] = []
    splitIntoTokens(answer).forEach((token, index) => {
      for (const unit of splitter.push(token)) units.push({ unit, tokens: index + 1 })
    })
    for (const unit of splitter.flush()) units.push({ unit, tokens: 'flush' })
    return units
  }

  it('ends a long first sentence at its first comma; the rest stays whole sentences', () => {
    expect(splitAnyhow(breakfast, 'en', clause)).toEqual([
      'Breakfast is served in the garden restaurant on the ground floor,',
      'right next to the pool, from seven until half past ten every morning.',
      'It has fresh pastries.',
    ])
  })

  it('does not split a short first sentence (fewer than 6 words before the comma)', () => {
    expect(splitAnyhow('Yes, breakfast is served in the garden every morning. Enjoy.', 'en', clause)).toEqual(
      ['Yes, breakfast is served in the garden every morning.', 'Enjoy.'],
    )
    // Five words before the comma: still whole; six: split.
    expect(splitAnyhow('One two three four five, six seven eight.', 'en', clause)).toEqual([
      'One two three four five, six seven eight.',
    ])
    expect(splitAnyhow('One two three four five six, seven eight.', 'en', clause)).toEqual([
      'One two three four five six,',
      'seven eight.',
    ])
  })

  it('does not split inside a number', () => {
    expect(
      splitAnyhow(
        'The hotel has a garden of about 1,000 square metres and 3,5 hectares of park. Nice.',
        'en',
        clause,
      ),
    ).toEqual(['The hotel has a garden of about 1,000 square metres and 3,5 hectares of park.', 'Nice.'])
  })

  it('splits only the first sentence, never a later one', () => {
    expect(
      splitAnyhow(
        'Welcome to the hotel. The spa on the second floor of the east wing, which has a sauna, opens at nine.',
        'en',
        clause,
      ),
    ).toEqual([
      'Welcome to the hotel.',
      'The spa on the second floor of the east wing, which has a sauna, opens at nine.',
    ])
  })

  it('uses ; : and a spaced dash too, but not a hyphen inside a word', () => {
    expect(
      splitAnyhow('The well-known rooftop bar upstairs opens late; it closes at two.', 'en', clause)[0],
    ).toBe('The well-known rooftop bar upstairs opens late;')
    expect(
      splitAnyhow('There are three good options for dinner tonight: sushi, pizza or tapas.', 'en', clause)[0],
    ).toBe('There are three good options for dinner tonight:')
    expect(splitAnyhow('The pool on the roof is heated all year — even in January.', 'en', clause)).toEqual([
      'The pool on the roof is heated all year —',
      'even in January.',
    ])
  })

  it('hands out the clause at the token that brings the comma and its space', () => {
    const units = streamTokens(breakfast, clause)
    const tokens = splitIntoTokens(breakfast)
    const commaToken = tokens.indexOf('floor, ') + 1
    expect(commaToken).toBe(11)
    expect(units[0]).toEqual({
      unit: 'Breakfast is served in the garden restaurant on the ground floor,',
      tokens: commaToken,
    })
    // Without the clause rule the first unit comes with the token that brings its full stop.
    const whole = streamTokens(breakfast)
    expect(whole[0]?.tokens).toBe(tokens.indexOf('morning. ') + 1)
    expect(whole[0]?.tokens).toBe(24)
  })

  it('waits for the whitespace after the mark, so "1," then "000" stays a number', () => {
    const splitter = new SentenceSplitter('en', clause)
    expect(splitter.push('The garden restaurant seats about 1,')).toEqual([])
    expect(splitter.push('000 guests, ')).toEqual(['The garden restaurant seats about 1,000 guests,'])
    expect(splitter.push('more or less.')).toEqual(['more or less.'])
    expect(splitter.flush()).toEqual([])
  })

  it('is for the first unit of each answer: after flush or reset the next answer may split again', () => {
    const splitter = new SentenceSplitter('en', clause)
    expect(splitter.push('Hello. The lobby bar on the ground floor is open, ')).toEqual(['Hello.'])
    expect(splitter.flush()).toEqual(['The lobby bar on the ground floor is open,'])
    expect(splitter.push('The lobby bar on the ground floor is open, until')).toEqual([
      'The lobby bar on the ground floor is open,',
    ])
    splitter.reset()
    expect(splitter.push('The lobby bar on the ground floor is open, until')).toEqual([
      'The lobby bar on the ground floor is open,',
    ])
    expect(splitter.push(' midnight, every day. ')).toEqual(['until midnight, every day.'])
  })

  it('CJK: splits after 、or ， only with 12 letters before it', () => {
    expect(splitAnyhow('はい、元気です！ありがとう', 'ja', clause)).toEqual([
      'はい、元気です！',
      'ありがとう',
    ])
    expect(splitAnyhow('朝食は一階のガーデンレストランで、七時から十時半までです。', 'ja', clause)).toEqual([
      '朝食は一階のガーデンレストランで、',
      '七時から十時半までです。',
    ])
    expect(splitAnyhow('早餐在一楼花园餐厅供应，每天七点到十点半。', 'zh', clause)).toEqual([
      '早餐在一楼花园餐厅供应，每天七点到十点半。',
    ])
    expect(splitAnyhow('早餐在酒店一楼的花园餐厅里供应，每天七点到十点半。', 'zh', clause)).toEqual([
      '早餐在酒店一楼的花园餐厅里供应，',
      '每天七点到十点半。',
    ])
  })

  it('never hands out a unit that is only punctuation or whitespace', () => {
    for (const text of [
      ', , , ; : — , ',
      'One two three four five six, , , ; seven.',
      '🎉🎉, 🎉🎉🎉🎉, more.',
    ]) {
      for (const unit of splitAnyhow(text, 'en', clause)) expect(unit).toMatch(/[\p{L}\p{N}]/u)
    }
    expect(splitAnyhow(', , , ; : — , ', 'en', clause)).toEqual([])
    const units = splitAnyhow('One two three four five six, , , ; seven.', 'en', clause)
    expect(units[0]).toBe('One two three four five six,')
    expect(units).toHaveLength(2)
  })

  it('joining the units gives the whole answer back, streamed by characters or by tokens', () => {
    const answers = [
      breakfast,
      'Yes, we do.',
      'The nearest pharmacy is on Main St. Near the bank, about 300 metres away, open until 8 p.m. Take a map.',
      'You can reach the airport by train, by bus or by taxi; the train is the quickest, at 25 minutes.',
      'Our conference rooms on the first floor - all with daylight - seat 10 to 120 people. Ask at the desk.',
      'Dr. Smith, our house doctor for all guests of the hotel, sees patients from 9 to 11. Room 1,204.',
      'Checkout is at noon.\nLate checkout, until two in the afternoon, costs 30 euros.',
      '',
    ]
    for (const answer of answers) {
      const expected = cleanForSpeech(answer)
      expect(splitAnyhow(answer, 'en', clause).join(' '), answer).toBe(expected)
      expect(
        streamTokens(answer, clause)
          .map(({ unit }) => unit)
          .join(' '),
        answer,
      ).toBe(expected)
    }
  })

  it('default mode is unchanged: whole sentences only', () => {
    expect(splitAnyhow(breakfast)).toEqual([
      'Breakfast is served in the garden restaurant on the ground floor, right next to the pool, from seven until half past ten every morning.',
      'It has fresh pastries.',
    ])
    expect(splitAnyhow(breakfast, 'en', { firstUnit: 'sentence' })).toEqual(splitAnyhow(breakfast))
  })
})
