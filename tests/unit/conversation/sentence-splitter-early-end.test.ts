import { describe, expect, it } from 'vitest'
import {
  SentenceSplitter,
  type SentenceSplitterOptions,
} from '../../../src/renderer/src/conversation/sentence-splitter'
import { splitIntoTokens } from '../../support/fake-openai'

/** The bench's first sentence (scripts/bench/conversation.ts): voice to voice waits for it. */
const BENCH_FIRST = 'Breakfast is served in the garden restaurant.'
const BENCH_FILLER =
  ' It has fresh pastries, fruit, eggs cooked to order, local cheese and strong coffee every day.'

interface Unit {
  unit: string
  /** 1-based index of the push that handed the unit out, or 'flush'. */
  push: number | 'flush'
}

/** Pushes `deltas` one by one, then flushes; records which push handed out each unit. */
function stream(deltas: readonly string[], lang = 'en', options: SentenceSplitterOptions = {}): Unit[] {
  const splitter = new SentenceSplitter(lang, options)
  const units: Unit[] = []
  deltas.forEach((delta, index) => {
    for (const unit of splitter.push(delta)) units.push({ unit, push: index + 1 })
  })
  for (const unit of splitter.flush()) units.push({ unit, push: 'flush' })
  return units
}

/** Streams `text` as the fake LLM does: a word with its trailing space per token, CJK a character each. */
function streamTokens(text: string, lang = 'en', options: SentenceSplitterOptions = {}): Unit[] {
  return stream(splitIntoTokens(text), lang, options)
}

/** Units of `text` pushed in one piece, so no early end can happen before the end of the text. */
function whole(text: string, lang = 'en', options: SentenceSplitterOptions = {}): string[] {
  return stream([text], lang, options).map(({ unit }) => unit)
}

describe('SentenceSplitter: a sentence is handed out on the push that brings its end mark', () => {
  it('the bench answer: its first sentence comes with the token "restaurant. ", not the next one', () => {
    const tokens = splitIntoTokens(BENCH_FIRST + BENCH_FILLER.repeat(3))
    const stopToken = tokens.indexOf('restaurant. ') + 1
    expect(stopToken).toBe(7)
    for (const firstUnit of ['sentence', 'clause'] as const) {
      const units = stream(tokens, 'en', { firstUnit })
      expect(units[0], firstUnit).toEqual({ unit: BENCH_FIRST, push: stopToken })
      // The filler's sentences each come with their own full stop too.
      expect(units[1], firstUnit).toEqual({ unit: BENCH_FILLER.trim(), push: tokens.indexOf('day. ') + 1 })
    }
  })

  it('the sentence alone, the stop being the last token: out on that push, nothing left to flush', () => {
    const units = streamTokens(BENCH_FIRST)
    expect(splitIntoTokens(BENCH_FIRST)).toHaveLength(7)
    expect(units).toEqual([{ unit: BENCH_FIRST, push: 7 }])
  })

  it.each([
    ['Is breakfast served in the garden restaurant?', 'en'],
    ['Breakfast is served in the garden restaurant!', 'en'],
    ['¿Se sirve el desayuno en el jardín?', 'es'],
    ['Comment allez-vous ?', 'fr'],
  ])('%j ends on its own last token', (sentence, lang) => {
    const tokens = splitIntoTokens(`${sentence} Then more follows.`)
    const last = splitIntoTokens(sentence).length
    expect(stream(tokens, lang)[0]).toEqual({ unit: sentence, push: last })
  })

  it('Japanese 。 and Chinese ！ need no following character', () => {
    const japanese = '朝食はガーデンレストランです。七時からです。'
    expect(streamTokens(japanese, 'ja')).toEqual([
      { unit: '朝食はガーデンレストランです。', push: '朝食はガーデンレストランです。'.length },
      { unit: '七時からです。', push: japanese.length },
    ])
    expect(streamTokens('欢迎光临！请进', 'zh')[0]).toEqual({ unit: '欢迎光临！', push: 5 })
  })

  it('an early end with the next sentence in the same push still gives both, in order', () => {
    expect(stream(['Hello there', '. How', ' are you?'])).toEqual([
      { unit: 'Hello there.', push: 2 },
      { unit: 'How are you?', push: 3 },
    ])
  })
})

describe('SentenceSplitter: not handed out early where the next token may still belong to it', () => {
  it.each([
    ['Please see Dr.', ' Smith at the desk', 'Please see Dr. Smith at the desk'],
    ['It opens at 7 a.m.', ' Come early', 'It opens at 7 a.m.'],
    ['It costs 3.', '5 euros', 'It costs 3.5 euros'],
    ['Take exit 12.', ' Then turn left', 'Take exit 12.'],
    ['Call J.', ' Smith today', 'Call J. Smith today'],
    ['Bring ID, etc.', ' and a pen', 'Bring ID, etc. and a pen'],
    ['It is a 5 min.', ' walk away', 'It is a 5 min. walk away'],
    ['Wait...', ' Come in', 'Wait...'],
    // The segmenter does not end a sentence at … at all: the old rule, unchanged.
    ['Wait…', ' Come in', 'Wait… Come in'],
    ['Visit https://example.test/a.b?', 'c=d now', 'Visit https://example.test/a.b?c=d now'],
    ['It is open (see above.', ') Come in', 'It is open (see above.)'],
    ['Try the **lift.', '** Then go left', 'Try the lift.'],
  ])('%j waits for %j', (text, next, expected) => {
    const splitter = new SentenceSplitter('en')
    const pushed = splitIntoTokens(text).flatMap((token) => splitter.push(token))
    expect(pushed).toEqual([])
    expect(splitter.pending).toBe(text)
    // What follows decides, exactly as before the early rule.
    const rest = [...splitter.push(next), ...splitter.flush()]
    expect(rest[0]).toBe(expected)
  })

  it('German: "Am 3." waits, as a month may follow', () => {
    const splitter = new SentenceSplitter('de-DE')
    expect(splitIntoTokens('Wir kommen am 3.').flatMap((token) => splitter.push(token))).toEqual([])
    expect(splitter.push(' Oktober.')).toEqual(['Wir kommen am 3. Oktober.'])
  })

  it('a quoted sentence waits for its closing quote, which then stays with it', () => {
    const units = stream(['He ', 'said ', '"Welcome.', '"', ' Come ', 'in.'])
    expect(units).toEqual([
      { unit: 'He said "Welcome."', push: 5 },
      { unit: 'Come in.', push: 6 },
    ])
    expect(streamTokens('She said „Willkommen.“ Kommen Sie.', 'de')[0]?.unit).toBe('She said „Willkommen.“')
    expect(streamTokens('Il a dit «Bienvenue.» Entrez.', 'fr')[0]?.unit).toBe('Il a dit «Bienvenue.»')
    expect(streamTokens("The sign says 'Welcome.' Come in.")[0]?.unit).toBe("The sign says 'Welcome.'")
    // Not at 。 inside 「: the segmenter then ends it after 」 once the next letter comes, as it always did.
    const japanese = ['看板に「ようこそ。', '」', 'と', '書いてあります。']
    expect(whole(japanese.join(''), 'ja')[0]).toBe('看板に「ようこそ。」')
    expect(stream(japanese, 'ja')[0]).toEqual({ unit: '看板に「ようこそ。」', push: 3 })
  })

  it('an apostrophe in a word is not an open quote', () => {
    expect(streamTokens("It's the guests' garden. Enjoy it.")[0]).toEqual({
      unit: "It's the guests' garden.",
      push: 4,
    })
  })
})

describe('SentenceSplitter: what arrives right after an early end', () => {
  it('a stray closing quote or bracket is dropped, not put before the next sentence', () => {
    for (const closer of ['"', '”', '’', ')', ']', '»', '"', ')"']) {
      const units = stream(['Breakfast is served.', closer, ' Come ', 'in.']).map(({ unit }) => unit)
      expect(units, closer).toEqual(['Breakfast is served.', 'Come in.'])
    }
  })

  it('a second end mark ("?" then "!") is dropped too', () => {
    expect(stream(['Really?', '!', ' Yes.'])).toEqual([
      { unit: 'Really?', push: 1 },
      { unit: 'Yes.', push: 3 },
    ])
  })

  it('after a space a quote opens the next sentence and is kept', () => {
    expect(stream(['Hello.', ' ', '"Welcome" ', 'is on the sign.']).map(({ unit }) => unit)).toEqual([
      'Hello.',
      '"Welcome" is on the sign.',
    ])
    expect(stream(['Hello. ', '(', 'Welcome.)']).map(({ unit }) => unit)).toEqual(['Hello.', '(Welcome.)'])
  })

  it('flush and reset forget the early end: the next answer keeps its opening quote', () => {
    const splitter = new SentenceSplitter('en')
    expect(splitter.push('Hello.')).toEqual(['Hello.'])
    splitter.reset()
    expect(splitter.push('"Hi" is short.')).toEqual(['"Hi" is short.'])
    expect(splitter.push('Bye.')).toEqual(['Bye.'])
    expect(splitter.flush()).toEqual([])
    expect(splitter.push('"Hi" again.')).toEqual(['"Hi" again.'])
  })
})

describe('SentenceSplitter: the early units are the ones the whole text gives', () => {
  const answers = [
    BENCH_FIRST + BENCH_FILLER.repeat(2),
    'We open at nine. The café is on the left! Do you need a map? Have a nice day.',
    'Please see Dr. Smith at the desk. He is kind.',
    'We open at 9 a.m. Come early. It costs 3.5 million dollars. Version 2.0.1 is out.',
    'J. R. R. Tolkien wrote it. The U.S. Army band plays today. It is on Main St. Near the bank.',
    'Bring ID, etc. and a pen. Pay 1,250.75 euros. Thanks.',
    'He said "Welcome." Come in. (See the map.) It is well-known.',
    'See [our website](https://example.test/a.b?c=d). Bye.',
    '## Opening hours\n1. Go left.\n2. Take the **lift**.\n> Quoted line.\nThanks!',
    'Welcome! 👋🏽 We love 🇫🇷 cheese 🧀. 😀😀 Press 1️⃣ now.',
  ]

  it.each(answers)('%j: token by token as in one piece', (answer) => {
    expect(streamTokens(answer).map(({ unit }) => unit)).toEqual(whole(answer))
  })

  it.each(answers)('%j: character by character as in one piece', (answer) => {
    expect(stream([...answer]).map(({ unit }) => unit)).toEqual(whole(answer))
  })

  it('German, French, Spanish and Japanese, character by character', () => {
    const texts: [string, string][] = [
      ['Wir treffen uns am 3. Oktober. Das ist z.B. gut. Herr Dr. Müller kommt. Am 3. Oder am 4. Mai.', 'de'],
      ['Bonjour M. Dupont. Comment allez-vous ? Très bien ! Mme. Curie arrive.', 'fr'],
      ['¿Cómo estás? ¡Muy bien! La Sra. García llega. Gracias.', 'es'],
      ['こんにちは。元気ですか？はい、元気です！ありがとう', 'ja'],
    ]
    for (const [text, lang] of texts) {
      expect(
        stream([...text], lang).map(({ unit }) => unit),
        text,
      ).toEqual(whole(text, lang))
    }
  })
})
