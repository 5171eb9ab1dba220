// Wake-ups of a process paired with when it then ran, from `perf script`'s text of the scheduler's
// tracepoints (sched:sched_waking, sched:sched_switch): for bench/proxy-handovers.ts, how long a balancer
// woken by the client or a replica waited for a CPU, and whether it was woken on its waker's CPU.

/** One wake-up of a balancer process: by whom, whether on the waker's CPU, and µs until it ran. */
export interface Handover {
  by: 'client' | 'replica'
  sameCpu: boolean
  waitUs: number
}

const line = /^\s*\S.*?\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(sched_waking|sched_switch):\s+(.*)$/

/** The balancer's wake-ups by the client or a replica in `perf script`'s text, each paired with its next switch-in. */
export function handovers(text: string, balancer: Set<number>, client: number, replicas: Set<number>): Handover[] {
  const waiting = new Map<number, {at: number; by: Handover['by']; cpu: number}>()
  const out: Handover[] = []
  for (const l of text.split('\n')) {
    const m = line.exec(l)
    if (!m) continue
    const [pid, cpu, at] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (m[4] === 'sched_waking') {
      const wakee = Number(/ pid=(\d+)/.exec(m[5])?.[1])
      const by = pid === client ? 'client' : replicas.has(pid) ? 'replica' : undefined
      if (by && balancer.has(wakee)) waiting.set(wakee, {at, by, cpu})
      continue
    }
    const next = Number(/next_pid=(\d+)/.exec(m[5])?.[1])
    const w = waiting.get(next)
    if (!w) continue
    waiting.delete(next)
    out.push({by: w.by, sameCpu: cpu === w.cpu, waitUs: (at - w.at) * 1e6})
  }
  return out
}
