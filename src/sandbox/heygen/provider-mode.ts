export interface ConversationSignals {
  /** The SDK's voice chat is streaming the visitor's microphone to the session. */
  voiceChatActive: boolean
  talkTasks: number
  repeatTasks: number
}

/**
 * Whether the provider's own brain answers what the visitor says. It always does while voice chat is on (the
 * provider offers no way to turn that off); otherwise it does unless the app has only ever sent `repeat`
 * tasks, which is how an app that runs its own LLM drives the avatar.
 */
export function answersVisitor(signals: ConversationSignals): boolean {
  if (signals.voiceChatActive || signals.talkTasks > 0) return true
  return signals.repeatTasks === 0
}
