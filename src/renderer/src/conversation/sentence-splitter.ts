/**
 * Turns a streamed LLM answer into whole sentences the avatar can speak one by one, so the first sentence is
 * spoken while the rest is still being generated. Pure: no DOM, no Node; only `Intl.Segmenter`.
 *
 * Usage, per answer:
 *   const splitter = new SentenceSplitter(settings.avatar.language)
 *   on delta:  for (const sentence of splitter.push(event.text)) speak(sentence)
 *   on done:   for (const sentence of splitter.flush()) speak(sentence)
 *   on cancel or error: splitter.reset()
 *
 * Rules:
 * - A sentence is handed out as soon as its end mark arrives, when that is safe: every streamed token of wait
 *   is voice-to-voice time the visitor hears. Safe means the buffer (trailing spaces aside) ends in . ! ? or
 *   CJK 。！？; not in an ellipsis (... or …, which often trails on into more of the same sentence); before a
 *   . stands an ordinary word of two or more letters (not an abbreviation, initial, dotted "a.m." or a word
 *   such as "etc." that a lowercase word often follows, and no digit: "3.5", "exit 12.", "7.30", "3. Oktober"
 *   are not finished); before ! or ? stands no address ("a.b?c=d"); no quote or bracket is left open (its
 *   closing mark belongs to the sentence: 'He said "Welcome."'); and the segmenter, with the other rules
 *   below, ends the sentence there when a capitalised word is put after it. So the early unit is exactly the
 *   one a following capitalised sentence would have released. Otherwise a sentence is handed out once the
 *   boundary after it is followed by a letter: only then has the segmenter seen enough to be sure (after
 *   "p.m. (" a lowercase word would still join the sentence). A closing quote, bracket or mark that arrives
 *   right after an early end ("Really?" then "!") is dropped, not put in front of the next sentence.
 * - `Intl.Segmenter` does the languages (。！？ in Japanese and Chinese, ¿¡ in Spanish, decimals such as 3.5);
 *   on top of it, a boundary after a known abbreviation ("Dr.", "e.g.", "z.B."), a lone initial ("J."), a
 *   list number ("1.") or a German date ordinal ("3. Oktober") is not a sentence end.
 * - Sentences longer than `maxChars` (250) are cut after the last clause mark (, ; : — and CJK 、，；：)
 *   that leaves at least `minClauseChars` (40) before it, or failing that at the last space, so speech can
 *   start before a long sentence is finished. Text without either (long unpunctuated CJK) waits for its end.
 * - A line break ends a sentence: headings and list items have no full stop.
 * - With `firstUnit: 'clause'`, the first unit of an answer may end at a clause boundary instead, so the avatar
 *   starts speaking sooner when the first sentence is long: after the first , ; : or spaced dash (— – -)
 *   that is followed by whitespace and has at least 6 words before it (so a short first sentence is never
 *   split, and "1,000" or "3,5" never is), or after the first 、，；： with at least 12 letters before it (CJK
 *   has no spaces to count words by). It is handed out as soon as the whitespace after the mark arrives (the
 *   CJK mark alone is enough). Only the first sentence is looked at, whether or not its end has arrived yet,
 *   so the units do not depend on how the stream happens to be chopped; everything after the first unit is
 *   whole sentences as in the default `'sentence'` mode. `flush` and `reset` start a new answer.
 * - Markdown the LLM may still emit is removed (headings, bullets, list numbers, emphasis, code marks,
 *   links keep their text), and so are emoji; whitespace and newlines collapse to single spaces. A piece with
 *   no letter or digit left is never handed out.
 */

export interface SentenceSplitterOptions {
  /** Longer sentences are cut at a clause boundary, so speech can start sooner. */
  maxChars?: number
  /** The shortest piece such a cut may leave before it. */
  minClauseChars?: number
  /** `'clause'`: the first unit of an answer may end at a clause boundary, so speech starts sooner. */
  firstUnit?: 'sentence' | 'clause'
}

const DEFAULT_MAX_CHARS = 250
const DEFAULT_MIN_CLAUSE_CHARS = 40
/** Words before a first-unit clause cut: fewer, and a short first sentence would be chopped for no gain. */
const FIRST_CLAUSE_MIN_WORDS = 6
/** The same for CJK marks, counted in letters: about as much speech as six English words. */
const FIRST_CLAUSE_MIN_CJK_LETTERS = 12

/** Abbreviations that do not end a sentence, lowercased (en, de, fr, es, it). "No." and "etc." often do. */
const ABBREVIATIONS = new Set([
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'dra.',
  'prof.',
  'sr.',
  'sra.',
  'srta.',
  'jr.',
  'st.',
  'mt.',
  'vs.',
  'approx.',
  'aprox.',
  'dept.',
  'fig.',
  'ave.',
  'hr.',
  'fr.',
  'frl.',
  'nr.',
  'bzw.',
  'ca.',
  'evtl.',
  'ggf.',
  'inkl.',
  'str.',
  'vgl.',
  'geb.',
  'mme.',
  'mlle.',
  'mm.',
  'av.',
  'bd.',
  'env.',
  'ud.',
  'uds.',
  'p.ej.',
  'pág.',
  'sig.',
  'dott.',
])

/**
 * Not abbreviations (they end sentences often enough), but a lowercase word or a number often follows their
 * full stop ("etc. and a pen", "5 min. walk"), so a sentence ending in one is not handed out early.
 */
const MAY_CONTINUE = new Set([
  'etc.',
  'usw.',
  'ecc.',
  'no.',
  'nos.',
  'tel.',
  'ext.',
  'cf.',
  'al.',
  'viz.',
  'incl.',
  'excl.',
  'min.',
  'max.',
  'mins.',
  'hrs.',
  'sec.',
  'vol.',
  'pp.',
  'ch.',
])

const GERMAN_MONTHS = [
  'Januar',
  'Jänner',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
]
const LETTER = /\p{L}/u
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u
const LIST_MARKER = /^\s*(?:[-*+•]|\d{1,3}[.)]|[A-Za-z][.)])\s*$/u
const INITIAL = /^\p{L}\.$/u
const DOTTED = /^(?:\p{L}{1,2}\.){2,}$/u
const OPENING_PUNCTUATION = /^[("'“‘«¿¡[]+/u
/** After these a clause may be cut: Latin marks need a following space (so 3,5 stays whole), CJK marks not. */
const CLAUSE_END = /(?:[,;:]|\s[—–-])\s+|[、，；：]\s*/gu
const CJK_CLAUSE_MARK = /^[、，；：]/u
/** An end mark that may release a sentence before anything follows it (see `earlyEnd`). */
const EARLY_END_MARK = /[.!?。！？]$/u
const CJK_END_MARK = /[。！？]$/u
/** A word that may end a sentence before a "." ("café", "well-known", "don't"), two letters or more. */
const ORDINARY_WORD = /^\p{L}+(?:['’-]\p{L}+)*$/u
/** What may stand before "!" or "?": a word or number, or nothing (French "vous ?"); not "a.b?c=d". */
const PLAIN_WORD = /^[\p{L}\p{N}'’-]*$/u
/** Bracket and quote pairs whose closing mark would still belong to the sentence. */
const PAIRS: readonly (readonly [string, string])[] = [
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['«', '»'],
  ['‹', '›'],
  ['「', '」'],
  ['『', '』'],
  ['（', '）'],
  ['【', '】'],
]
/** A single quote that opens (at a word's start) and one that closes (after a word, not "it's"). */
const SINGLE_OPEN = /(?:^|[\s([{“"«])['‘]/gu
const SINGLE_CLOSE = /[\p{L}\p{N}.,;:!?…]['’](?!\p{L})/gu
/** Right after an early end, these still belonged to the sentence already handed out ("?" then "!", ")"). */
const LEADING_CLOSERS = /^["'”’»›)\]}」』）】.!?…。！？]+/u
/** Pictographs, and what builds emoji out of them: flags, skin tones, tag letters, selectors, joiners, keycaps. */
const EMOJI =
  /\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}]|\uFE0E|\uFE0F|\u200D|\u20E3/gu

/** Markdown and emoji out, whitespace collapsed: what the avatar should actually say. */
export function cleanForSpeech(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*[-*_=]{3,}\s*$/gm, '')
    .replace(/^\s*#{1,6}\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*(?:[-*+•]|\d{1,3}[.)])\s+/gm, '')
    .replace(/\*+|__|~~|`+/g, '')
    .replace(EMOJI, '')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,])/g, '$1')
    .trim()
}

/**
 * "am 3. Oktober": a date, not a sentence end. A month name still arriving ("Okt") counts, so the boundary
 * waits for the whole word instead of being handed out early.
 */
function mayBeMonth(text: string): boolean {
  const word = /^\s*(\p{L}*)/u.exec(text)?.[1] ?? ''
  const finished = text.trimStart().length > word.length
  return finished ? GERMAN_MONTHS.includes(word) : GERMAN_MONTHS.some((month) => month.startsWith(word))
}

function lastWord(text: string): string {
  const words = text.trimEnd().split(/\s+/)
  return (words.at(-1) ?? '').replace(OPENING_PUNCTUATION, '')
}

function count(text: string, what: string | RegExp): number {
  return typeof what === 'string' ? text.split(what).length - 1 : (text.match(what) ?? []).length
}

/** Whether a quote or bracket opened in `text` is still waiting for its closing mark. */
function leavesOpen(text: string): boolean {
  if (PAIRS.some(([open, close]) => count(text, open) > count(text, close))) return true
  if (count(text, '"') % 2 === 1) return true
  // German „…“ closes with the mark English opens with: count „ against both, and “ against ” without „.
  const low = count(text, '„')
  const left = count(text, '“')
  const right = count(text, '”')
  if (low > 0 ? low > left + right : left > right) return true
  return count(text, SINGLE_OPEN) > count(text, SINGLE_CLOSE)
}

const warmedLanguages = new Set<string>()

/**
 * Chromium loads its sentence-break data on the first `Intl.Segmenter` of a page: about 40 ms of the main
 * thread on an idle machine here, more under load. Called while the avatar idles, so that the first visitor's
 * answer (whose splitter is made just before its audio goes to speech-to-text) does not wait for it.
 */
export function warmUpSentenceSplitter(lang: string): void {
  if (warmedLanguages.has(lang)) return
  warmedLanguages.add(lang)
  new SentenceSplitter(lang).push('Ready. Set')
}

export class SentenceSplitter {
  private readonly segmenter: Intl.Segmenter
  private readonly german: boolean
  private readonly maxChars: number
  private readonly minClauseChars: number
  private readonly clauseFirst: boolean
  private buffer = ''
  /** Whether this answer has handed out a unit yet: the clause rule is for the first one only. */
  private started = false
  /** A unit was just handed out at its end mark, with nothing after it: closing marks may still follow. */
  private endedEarly = false

  constructor(lang = 'en', options: SentenceSplitterOptions = {}) {
    let segmenter: Intl.Segmenter
    try {
      segmenter = new Intl.Segmenter(lang, { granularity: 'sentence' })
    } catch {
      // A malformed tag must not cost the visitor their answer; English rules are a fine default.
      segmenter = new Intl.Segmenter('en', { granularity: 'sentence' })
    }
    this.segmenter = segmenter
    this.german = /^de\b/i.test(lang)
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS
    this.minClauseChars = Math.min(options.minClauseChars ?? DEFAULT_MIN_CLAUSE_CHARS, this.maxChars)
    this.clauseFirst = options.firstUnit === 'clause'
  }

  /** Adds streamed text; returns the sentences it completed, in order (often none). */
  push(delta: string): string[] {
    this.buffer += delta
    if (this.endedEarly) {
      // 'He said Welcome.' then '"': the mark belongs to the unit already spoken, not to the next one.
      this.buffer = this.buffer.replace(LEADING_CLOSERS, '')
      if (this.buffer !== '') this.endedEarly = false
    }
    const sentences: string[] = []
    if (this.clauseFirst && !this.started) {
      const cut = this.firstClauseCut(this.buffer)
      if (cut !== undefined) {
        sentences.push(...this.finish(this.buffer.slice(0, cut)))
        this.buffer = this.buffer.slice(cut)
      }
    }
    const pieces = this.pieces(this.buffer)
    // A boundary is final once a letter follows it: the pieces from the last one with a letter on wait.
    let firstPending = pieces.length - 1
    while (firstPending > 0 && !LETTER.test(pieces[firstPending] ?? '')) firstPending -= 1
    sentences.push(...pieces.slice(0, firstPending).flatMap((piece) => this.finish(piece)))
    let pending = pieces.slice(firstPending).join('')
    for (let cut = this.cutPoint(pending); cut !== undefined; cut = this.cutPoint(pending)) {
      sentences.push(...this.finish(pending.slice(0, cut)))
      pending = pending.slice(cut)
    }
    this.buffer = pending
    const early = this.earlyEnd(pending)
    if (early !== undefined) {
      sentences.push(...early)
      this.buffer = ''
      // Only a mark straight after the end can close it; after a space a quote opens the next sentence.
      this.endedEarly = pending.trimEnd() === pending
    }
    if (sentences.length > 0) this.started = true
    return sentences
  }

  /**
   * The stream ended: whatever is left, as sentences. The next push starts a new answer. No clause rule here:
   * every push already applied it, and a mark with nothing after it is the end of the text anyway.
   */
  flush(): string[] {
    const rest = this.buffer
    this.buffer = ''
    this.started = false
    this.endedEarly = false
    return this.pieces(rest).flatMap((piece) => this.finish(piece))
  }

  /** Drops what is buffered (barge-in, a failed answer). */
  reset(): void {
    this.buffer = ''
    this.started = false
    this.endedEarly = false
  }

  /** Text received but not handed out yet. */
  get pending(): string {
    return this.buffer
  }

  /**
   * The sentences `text` completes already, if its end mark is the last thing in it and safe (see the header):
   * what the segmenter and the join rules make of it with a capitalised word put after it. Otherwise undefined,
   * and the text waits for a letter after the boundary as before.
   */
  private earlyEnd(text: string): string[] | undefined {
    const trimmed = text.trimEnd()
    if (!EARLY_END_MARK.test(trimmed) || trimmed.endsWith('..')) return undefined
    if (!CJK_END_MARK.test(trimmed)) {
      const word = lastWord(trimmed)
      if (trimmed.endsWith('.')) {
        const lower = word.toLowerCase()
        const bare = word.slice(0, -1)
        if (!ORDINARY_WORD.test(bare) || count(bare, /\p{L}/gu) < 2) return undefined
        if (ABBREVIATIONS.has(lower) || MAY_CONTINUE.has(lower)) return undefined
      } else if (!PLAIN_WORD.test(word.replace(/[!?]+$/u, ''))) return undefined
    }
    if (leavesOpen(trimmed)) return undefined
    const pieces = this.pieces(`${trimmed} X`)
    if (pieces.length < 2 || pieces.at(-1) !== 'X') return undefined
    return pieces.slice(0, -1).flatMap((piece) => this.finish(piece))
  }

  /** Segments, with the false sentence ends joined back to what follows them. */
  private pieces(text: string): string[] {
    const pieces: string[] = []
    for (const { segment } of this.segmenter.segment(text)) {
      const previous = pieces.at(-1)
      if (previous !== undefined && this.continues(previous, segment))
        pieces[pieces.length - 1] = previous + segment
      else pieces.push(segment)
    }
    return pieces
  }

  private continues(previous: string, next: string): boolean {
    if (!LETTER_OR_DIGIT.test(previous) || LIST_MARKER.test(previous)) return true
    // Latin sentences are followed by a space; "a.b?c=d" is an address, "Really?Yes" a typo.
    if (/[.?!]$/u.test(previous) && /^[\p{L}\p{N}]/u.test(next)) return true
    const word = lastWord(previous)
    const lower = word.toLowerCase()
    if (ABBREVIATIONS.has(lower) || INITIAL.test(word)) return true
    // "a.m." and "p.m." end sentences as often as not ("We open at 9 a.m. Come early.").
    if (DOTTED.test(word) && lower !== 'a.m.' && lower !== 'p.m.') return true
    return this.german && /\b\d{1,2}\.\s+$/u.test(previous) && mayBeMonth(next)
  }

  /**
   * Where the first unit may end at a clause boundary inside the first sentence, if anywhere: right after the
   * first mark (and its whitespace) with enough words before it.
   */
  private firstClauseCut(text: string): number | undefined {
    const first = this.pieces(text)[0] ?? ''
    for (const match of first.matchAll(CLAUSE_END)) {
      const before = text.slice(0, match.index)
      const enough = CJK_CLAUSE_MARK.test(match[0])
        ? (before.match(/[\p{L}\p{N}]/gu) ?? []).length >= FIRST_CLAUSE_MIN_CJK_LETTERS
        : cleanForSpeech(before)
            .split(' ')
            .filter((word) => LETTER_OR_DIGIT.test(word)).length >= FIRST_CLAUSE_MIN_WORDS
      if (enough) return match.index + match[0].length
    }
    return undefined
  }

  /** Where to cut a piece that grew too long, if anywhere: after a clause mark, else after a space. */
  private cutPoint(text: string): number | undefined {
    if (text.length <= this.maxChars) return undefined
    let cut: number | undefined
    for (const match of text.matchAll(CLAUSE_END)) {
      const end = match.index + match[0].length
      if (end > this.maxChars) break
      if (end >= this.minClauseChars) cut = end
    }
    if (cut === undefined) {
      const space = text.lastIndexOf(' ', this.maxChars)
      if (space >= this.minClauseChars) cut = space + 1
    }
    // The cut must leave words on both sides, or it would hand out a fragment.
    if (cut === undefined || !LETTER.test(text.slice(cut)) || !LETTER_OR_DIGIT.test(text.slice(0, cut))) {
      return undefined
    }
    return cut
  }

  private finish(piece: string): string[] {
    const pieces: string[] = []
    let rest = piece
    for (let cut = this.cutPoint(rest); cut !== undefined; cut = this.cutPoint(rest)) {
      pieces.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    pieces.push(rest)
    return pieces.map(cleanForSpeech).filter((sentence) => LETTER_OR_DIGIT.test(sentence))
  }
}
