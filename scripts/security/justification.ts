/**
 * A finding is justified by a comment next to the code it flags:
 *
 *     // electronegativity-ignore: SANDBOX_JS_CHECK — <why this is safe here>
 *
 * on the flagged line itself, or anywhere in the unbroken run of comment lines directly above it. One comment
 * may name several rules, separated by commas. The reason follows a dash (—, – , -- or -) and must say
 * something: at least three words. A bare marker, or one with a token reason, justifies nothing.
 */

export type Justification =
  | { kind: 'justified'; line: number; reason: string }
  | { kind: 'missing' }
  | { kind: 'no-reason'; line: number }

const MARKER = /electronegativity-ignore:\s*([A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)(.*)$/
const REASON_AFTER_DASH = /^\s*(?:—|–|--|-)\s*(.*)$/
const MIN_REASON_WORDS = 3

function isCommentLine(line: string): boolean {
  return /^\s*(?:\/\/|\/\*|\*|<!--)/.test(line)
}

function reasonOf(rest: string): string | undefined {
  const reason = REASON_AFTER_DASH.exec(rest)?.[1]
    ?.replace(/\s*(?:\*\/|-->)\s*$/, '')
    .trim()
  if (!reason) return undefined
  return reason.split(/\s+/).length >= MIN_REASON_WORDS ? reason : undefined
}

/** Looks for a justification of `ruleId` for a finding on 1-based `line` of `sourceLines`. */
export function findJustification(
  sourceLines: readonly string[],
  line: number,
  ruleId: string,
): Justification {
  const candidates = [line]
  for (let above = line - 1; above >= 1 && isCommentLine(sourceLines[above - 1] ?? ''); above--)
    candidates.push(above)
  let bareMarkerLine: number | undefined
  for (const candidate of candidates) {
    const match = MARKER.exec(sourceLines[candidate - 1] ?? '')
    if (!match) continue
    const rules = (match[1] ?? '').split(',').map((rule) => rule.trim().toUpperCase())
    if (!rules.includes(ruleId.toUpperCase())) continue
    const reason = reasonOf(match[2] ?? '')
    if (reason) return { kind: 'justified', line: candidate, reason }
    bareMarkerLine ??= candidate
  }
  return bareMarkerLine === undefined ? { kind: 'missing' } : { kind: 'no-reason', line: bareMarkerLine }
}
