export type TaskType = 'talk' | 'repeat'

export interface TaskRecord {
  type: TaskType
  text: string
  /** When the task reached the sandbox (epoch ms). */
  at: number
  /**
   * When the sandbox's speaker began playing the task's audio (epoch ms, its `startTalking`): what a visitor
   * would hear first. Null until then, and for good if the task was interrupted while still queued.
   */
  startedAt: number | null
}

/**
 * A session's task log stays listed after it closes (the registry remembers the most recent closed ones), so
 * it is bounded in entries and in text: a client sending huge or endless tasks cannot grow the sandbox.
 */
export const TASK_LOG_LIMITS = {
  /** Entries kept per session, newest last. */
  maxRecords: 200,
  /** Characters of each task's text kept (what is spoken has its own bound, MAX_SPEECH_CHARS). */
  maxTextChars: 1000,
} as const

/** Appends a record and returns it, so the caller can note later when its speech started. */
export function appendTask(
  log: TaskRecord[],
  type: TaskType,
  text: string,
  at: number = Date.now(),
): TaskRecord {
  const record: TaskRecord = { type, text: text.slice(0, TASK_LOG_LIMITS.maxTextChars), at, startedAt: null }
  log.push(record)
  if (log.length > TASK_LOG_LIMITS.maxRecords) log.splice(0, log.length - TASK_LOG_LIMITS.maxRecords)
  return record
}
