import { readFileSync, readdirSync } from 'node:fs'

/** Resident memory in kB from the text of /proc/<pid>/status, or undefined (a zombie has no VmRSS line). */
export function parseVmRssKb(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)
  return match ? Number(match[1]) : undefined
}

/** Parent pid from the text of /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parsePpid(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ppid = Number(fields[1])
  return Number.isInteger(ppid) ? ppid : undefined
}

/** The pid and every descendant, given each process's parent. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): number[] {
  const tree = [root]
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid)
  }
  return tree
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    // The process ended between listing and reading.
    return undefined
  }
}

function parentsNow(): Map<number, number> {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readOrUndefined(`/proc/${entry}/stat`)
    const ppid = stat === undefined ? undefined : parsePpid(stat)
    if (ppid !== undefined) parents.set(Number(entry), ppid)
  }
  return parents
}

/** User plus system CPU ticks (1/100 s on Linux) from the text of /proc/<pid>/stat. */
export function parseCpuTicks(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return Number.isFinite(ticks) ? ticks : undefined
}

/** `USER_HZ`: Linux reports CPU time in 1/100 s on every architecture we run on. */
export const CLOCK_TICKS_PER_SECOND = 100

function cpuTicksOf(pids: Iterable<number>): number {
  let ticks = 0
  for (const member of pids) {
    const stat = readOrUndefined(`/proc/${member}/stat`)
    ticks += (stat === undefined ? undefined : parseCpuTicks(stat)) ?? 0
  }
  return ticks
}

/** CPU ticks so far of a process and its live descendants (a browser and all its helper processes). */
export function treeCpuTicks(pid: number): number {
  return cpuTicksOf(descendantsOf(pid, parentsNow()))
}

/** RSS in MB of a process and its children (the sandbox's ffmpeg and espeak-ng count as its memory). */
export function treeRssMb(pid: number): number {
  let kb = 0
  for (const member of descendantsOf(pid, parentsNow())) {
    const status = readOrUndefined(`/proc/${member}/status`)
    kb += (status === undefined ? undefined : parseVmRssKb(status)) ?? 0
  }
  return Math.round((kb / 1024) * 10) / 10
}

/** Processes below this one (the sandbox's ffmpeg and espeak-ng): a leaked encoder shows here. */
export function childCount(pid: number): number {
  return descendantsOf(pid, parentsNow()).length - 1
}

/** RSS in MB of the process alone. */
export function ownRssMb(pid: number): number {
  const status = readOrUndefined(`/proc/${pid}/status`)
  const kb = status === undefined ? undefined : parseVmRssKb(status)
  return kb === undefined ? Number.NaN : Math.round((kb / 1024) * 10) / 10
}

/** Open file descriptors of the process itself (its short-lived children would only add noise). */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return Number.NaN
  }
}

/**
 * CPU seconds spent so far by every process below `pid` (not `pid` itself): for a test runner, all of the
 * browser's processes. A process that ended since the last call takes its time with it, so callers compare
 * two readings taken while the same processes live.
 */
export function descendantsCpuSeconds(pid: number, ticksPerSecond = CLOCK_TICKS_PER_SECOND): number {
  const below = descendantsOf(pid, parentsNow()).filter((member) => member !== pid)
  return cpuTicksOf(below) / ticksPerSecond
}
