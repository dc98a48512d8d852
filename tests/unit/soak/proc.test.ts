import { describe, expect, it } from 'vitest'
import {
  descendantsOf,
  fdCount,
  descendantsCpuSeconds,
  ownRssMb,
  parseCpuTicks,
  parsePpid,
  parseVmRssKb,
  treeRssMb,
} from '../../../scripts/soak/proc'

describe('/proc parsing', () => {
  it('reads VmRSS in kB and nothing from a status without it', () => {
    const status = 'Name:\tnode\nVmPeak:\t 900000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 100 kB\n'
    expect(parseVmRssKb(status)).toBe(123456)
    expect(parseVmRssKb('Name:\tzombie\nState:\tZ (zombie)\n')).toBeUndefined()
  })

  it('finds the parent pid after a command name holding spaces and parentheses', () => {
    expect(parsePpid('4242 (node) S 17 4242 17 0 -1')).toBe(17)
    expect(parsePpid('4243 (Web Content (x)) R 4242 1 1 0')).toBe(4242)
  })

  it('reads user plus system ticks after a command name holding spaces and parentheses', () => {
    // Fields 14 (utime) and 15 (stime) of /proc/<pid>/stat; cutime and cstime (16, 17) are not this process's.
    const stat = '4243 (Web Content (x)) R 4242 1 1 0 -1 4194560 500 0 0 0 120 35 7 9 20 0 1 0 100'
    expect(parseCpuTicks(stat)).toBe(155)
    expect(parseCpuTicks('4243 (x) R')).toBeUndefined()
  })

  it('counts the CPU time of child processes, not its own', async () => {
    const { spawn } = await import('node:child_process')
    // The child spins until killed; under load it may get the CPU late, so the reading is polled, not timed.
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 10000; while (Date.now() < end);'])
    const exited = new Promise((resolve) => child.on('exit', resolve))
    let busy = 0
    const deadline = Date.now() + 8000
    while (busy <= 0.05 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      busy = descendantsCpuSeconds(process.pid, 100)
    }
    child.kill()
    await exited
    expect(busy).toBeGreaterThan(0.05)
  })

  it('collects a process and all its descendants, not its siblings', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [13, 1],
      [14, 10],
    ])
    expect(descendantsOf(10, parents).sort()).toEqual([10, 11, 12, 14])
    expect(descendantsOf(13, parents)).toEqual([13])
  })

  it('measures this very process', () => {
    expect(treeRssMb(process.pid)).toBeGreaterThan(10)
    // Read one after the other, so the tree (this process and its children) may trail by what the heap did in between.
    const own = ownRssMb(process.pid)
    expect(treeRssMb(process.pid)).toBeGreaterThanOrEqual(own - 16)
    expect(ownRssMb(2 ** 22 + 1)).toBeNaN()
    expect(fdCount(process.pid)).toBeGreaterThan(2)
    expect(fdCount(2 ** 22 + 1)).toBeNaN()
  })
})
