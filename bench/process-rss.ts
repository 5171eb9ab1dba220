// The resident memory of the processes a run started under the bench process, by part (generator,
// replicas, balancer), sampled while a run goes on; the bench process itself is the orchestrator
// (bench/run-scenario.ts runs the scenario in it). Read from /proc: the children's VmRSS, grouped by the
// module or program each runs.

import {readdir, readFile} from 'node:fs/promises'

export type Part = 'orchestrator' | 'generator' | 'replicas' | 'balancer'

/** Which part a process is, from its command line; undefined for anything else. */
function partOf(cmdline: string): Part | undefined {
  if (/load[/\\]generator[/\\]main/.test(cmdline)) return 'generator'
  if (/replicas[/\\](app[/\\]|cluster-primary)/.test(cmdline)) return 'replicas'
  if (/proxy[/\\]main|^(nginx|haproxy)|[/\\](nginx|haproxy)\0/.test(cmdline)) return 'balancer'
  return undefined
}

async function rssKb(pid: number | string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

/** The processes started under this one, each with its part (anything else is left out), read from /proc. */
export async function descendantsByPart(): Promise<Map<number, Part>> {
  const parents = new Map<number, number>()
  const cmdlines = new Map<number, string>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
      cmdlines.set(Number(entry), await readFile(`/proc/${entry}/cmdline`, 'utf8'))
    } catch {
      // gone meanwhile
    }
  }
  const underUs = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true
    return false
  }
  const parts = new Map<number, Part>()
  for (const [pid, cmdline] of cmdlines) {
    const part = partOf(cmdline)
    if (part !== undefined && underUs(pid)) parts.set(pid, part)
  }
  return parts
}

/** Each part's RSS now (kB), summed over its processes: every descendant of this process is looked at. */
export async function rssByPart(): Promise<Record<Part, number>> {
  const out: Record<Part, number> = {orchestrator: await rssKb(process.pid), generator: 0, replicas: 0, balancer: 0}
  for (const [pid, part] of await descendantsByPart()) {
    try {
      out[part] += await rssKb(pid)
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** Samples rssByPart() every `everyMs` until stop(); stop() gives each part's highest sum. */
export function watchRss(everyMs = 1000): {stop(): Promise<Record<Part, number>>} {
  const peak: Record<Part, number> = {orchestrator: 0, generator: 0, replicas: 0, balancer: 0}
  let running: Promise<void> = Promise.resolve()
  const sample = () => {
    running = rssByPart().then((now) => {
      for (const k of Object.keys(peak) as Part[]) peak[k] = Math.max(peak[k], now[k])
    }, () => {})
  }
  const timer = setInterval(sample, everyMs)
  sample()
  return {
    async stop() {
      clearInterval(timer)
      await running
      return peak
    },
  }
}
