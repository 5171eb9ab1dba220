// Waits for processes to exit on their own after their parent was killed, with a time bound that holds on
// a busy machine (and gives that allowance to other time bounds on a child process). A process that is ready to run but waits for a CPU is not late by its own doing: Linux
// counts that wait per thread (/proc/PID/schedstat, second field, ns; for a PID, its main thread, where
// Node runs JavaScript). The bound is the stated one plus the most any of the processes waited for a CPU
// meanwhile, so a process that sleeps, polls too slowly or waits for the wrong event still misses it, and
// one the machine starved for a second or two does not.
import {readFileSync} from 'node:fs'

export interface ExitWait {
  /** What was still there when the wait ended. */
  left: number[]
  /** How long the wait took. */
  tookMs: number
  /** The most any of the processes waited for a CPU while it ran. */
  starvedMs: number
}

/** Nanoseconds the process's main thread has waited on a run queue; undefined once it is gone. */
function cpuWaitNs(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1])
  } catch {
    return undefined
  }
}

/** Milliseconds the process's main thread has waited for a CPU so far (0 once it is gone): take two, subtract. */
export function cpuWaitMs(pid: number): number {
  return (cpuWaitNs(pid) ?? 0) / 1e6
}

/**
 * Polls `live` (the processes still there) until it is empty, or until `ms` plus the CPU wait seen so far
 * has passed (at most `capMs`). Call it right after the kill. `live` must leave out zombies (processAlive):
 * an orphan that exited at once may wait a second or two here to be reaped.
 */
export async function exitedInTime(live: () => number[], ms: number, capMs = 15_000): Promise<ExitWait> {
  const started = Date.now()
  const first = new Map<number, number>()
  let starvedMs = 0
  let left = live()
  for (;;) {
    for (const pid of left) {
      const ns = cpuWaitNs(pid)
      if (ns === undefined) continue
      if (!first.has(pid)) first.set(pid, ns)
      starvedMs = Math.max(starvedMs, (ns - first.get(pid)!) / 1e6)
    }
    const tookMs = Date.now() - started
    if (left.length === 0 || tookMs > Math.min(ms + starvedMs, capMs)) return {left, tookMs, starvedMs: Math.round(starvedMs)}
    await new Promise((r) => setTimeout(r, 25))
    left = live()
  }
}

/** The assertion message: how long it took against what the machine allowed. */
export function describeWait(w: ExitWait, ms: number): string {
  return `${w.left.length} process(es) left after ${w.tookMs} ms (bound ${ms} ms + ${w.starvedMs} ms waiting for a CPU): ${w.left.join(', ')}`
}
