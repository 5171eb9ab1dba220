// CPU time of a set of processes and all their descendants, from Linux's /proc: how the balancer's CPU
// use is measured whatever it is (the built-in proxy, nginx's master and workers, HAProxy, a cluster
// primary), so that balancers can be compared on what they cost.
import {readdirSync} from 'node:fs'
import {statFields} from '../process/proc-stat.js'

// USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on every Linux that Node runs on.
const TICK_MS = 10

interface Stat {
  ppid: number
  cpuMs: number
}

function readStat(pid: string): Stat | undefined {
  const fields = statFields(pid)
  return fields && {ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS}
}

/** User + system CPU milliseconds used so far by `pids` and their descendants (0 where /proc is absent). */
export function processTreeCpuMs(pids: number[]): number {
  let names: string[]
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n))
  } catch {
    return 0
  }
  const stats = new Map<number, Stat>()
  for (const name of names) {
    const s = readStat(name)
    if (s) stats.set(Number(name), s)
  }
  const children = new Map<number, number[]>()
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid])
  let total = 0
  const seen = new Set<number>()
  const stack = [...pids]
  while (stack.length) {
    const pid = stack.pop()!
    if (seen.has(pid)) continue
    seen.add(pid)
    total += stats.get(pid)?.cpuMs ?? 0
    stack.push(...(children.get(pid) ?? []))
  }
  return total
}

/** The CPU use of a process tree over a span of time: begun when measuring starts, read when it ends. */
export class CpuSpan {
  private begun?: {atMs: number; cpuMs: number}

  begin(pids: number[]): void {
    this.begun = {atMs: Date.now(), cpuMs: processTreeCpuMs(pids)}
  }

  /** Percent of one core used by `pids` since begin(); undefined when it never began, no time passed, or there is no process (balancer none). */
  end(pids: number[]): number | undefined {
    if (!this.begun || pids.length === 0) return undefined
    const wallMs = Date.now() - this.begun.atMs
    return wallMs > 0 ? ((processTreeCpuMs(pids) - this.begun.cpuMs) / wallMs) * 100 : undefined
  }
}
