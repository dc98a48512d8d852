/** One exchange: the visitor's question and, once there is one, the avatar's answer. */
export interface Turn {
  readonly question: string
  answer: string
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface HistoryBudget {
  /** Turns sent with a question, the newest (the question itself) included. */
  maxTurns: number
  /** Estimated tokens of those turns; the system prompt is not counted against it. */
  maxTokens: number
}

/** Every message costs a few tokens of framing (role, separators) besides its text. */
const MESSAGE_OVERHEAD_TOKENS = 4
const WIDE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu

/**
 * A tokenizer-free estimate, on the high side so the budget errs towards sending less: about four characters
 * per token for alphabetic text (OpenAI's rule of thumb), one token per character for CJK scripts, whose
 * characters usually take one token or more each.
 */
export function estimateTokens(text: string): number {
  const wide = text.match(WIDE_SCRIPT)?.length ?? 0
  return wide + Math.ceil((text.length - wide) / 4)
}

function turnTokens(turn: Turn): number {
  const answer = turn.answer === '' ? 0 : estimateTokens(turn.answer) + MESSAGE_OVERHEAD_TOKENS
  return estimateTokens(turn.question) + MESSAGE_OVERHEAD_TOKENS + answer
}

/**
 * Picks the turns to send: newest first, stopping at the first older turn that would break a budget, so only
 * whole turns and only the oldest ones are dropped. The newest turn is always kept, even over budget: without
 * it there is no question.
 */
export function selectTurns(turns: readonly Turn[], budget: HistoryBudget): Turn[] {
  const newest = turns.at(-1)
  if (newest === undefined) return []
  const kept = [newest]
  let tokens = turnTokens(newest)
  for (let index = turns.length - 2; index >= 0 && kept.length < budget.maxTurns; index -= 1) {
    const turn = turns[index] as Turn
    tokens += turnTokens(turn)
    if (tokens > budget.maxTokens) break
    kept.unshift(turn)
  }
  return kept
}

/**
 * Each visitor's conversation, by the client (page) that holds it. Transcripts live only here, in memory, and
 * only as long as they can still be sent: turns that fall out of the budget are dropped for good.
 */
export class ConversationMemory {
  private readonly conversations = new Map<string, Turn[]>()

  /** Records the visitor's question as the newest turn; the answer is attached when it is known. */
  ask(clientId: string, question: string): Turn {
    const turn: Turn = { question, answer: '' }
    const turns = this.conversations.get(clientId) ?? []
    turns.push(turn)
    this.conversations.set(clientId, turns)
    return turn
  }

  /** A turn of a conversation that was forgotten in the meantime stays forgotten. */
  answer(clientId: string, turn: Turn, answer: string): void {
    if (this.conversations.get(clientId)?.includes(turn)) turn.answer = answer
  }

  /** Takes back a turn whose answer failed: the visitor hears the fallback line and asks again. */
  withdraw(clientId: string, turn: Turn): void {
    const turns = this.conversations.get(clientId)
    const index = turns?.indexOf(turn) ?? -1
    if (turns && index !== -1) turns.splice(index, 1)
    if (turns?.length === 0) this.conversations.delete(clientId)
  }

  /**
   * The chat messages for the newest question within the budget; older turns beyond it are forgotten, unless
   * `keepOlder`: a speculative question may yet be withdrawn, and the turns it pushed out of the budget must
   * then still be there for the question that replaces it (`trim` forgets them once it is committed).
   */
  messages(
    clientId: string,
    systemPrompt: string,
    budget: HistoryBudget,
    { keepOlder = false }: { keepOlder?: boolean } = {},
  ): ChatMessage[] {
    const kept = keepOlder
      ? selectTurns(this.conversations.get(clientId) ?? [], budget)
      : this.trim(clientId, budget)
    const messages: ChatMessage[] =
      systemPrompt.trim() === '' ? [] : [{ role: 'system', content: systemPrompt }]
    for (const turn of kept) {
      messages.push({ role: 'user', content: turn.question })
      // A question cut off by barge-in before any answer is sent alone; the next one follows it.
      if (turn.answer !== '') messages.push({ role: 'assistant', content: turn.answer })
    }
    return messages
  }

  /** Forgets the turns older than the budget allows with the newest question; returns the turns kept. */
  trim(clientId: string, budget: HistoryBudget): Turn[] {
    const kept = selectTurns(this.conversations.get(clientId) ?? [], budget)
    if (kept.length > 0) this.conversations.set(clientId, kept)
    return kept
  }

  turns(clientId: string): readonly Turn[] {
    return this.conversations.get(clientId) ?? []
  }

  forget(clientId: string): void {
    this.conversations.delete(clientId)
  }

  forgetAll(): void {
    this.conversations.clear()
  }
}
