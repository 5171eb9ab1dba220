// The scheduler's figures for a set of processes, from /proc/<pid>/task/*/schedstat: nanoseconds each
// process's threads ran on a CPU (the main thread apart from the others: V8's compiler and GC helpers in
// a Node process) and waited for one. Read by the standalone proxy benches (proxy-wakeups.ts,
// proxy-floor.ts) before and after a stretch of load, per request.

import {readFileSync, readdirSync} from 'node:fs'

/** Nanoseconds on a CPU (main thread, other threads) and waiting for one, summed over the threads of `pids`. */
export interface Sched {
  at: number
  mainNs: number
  otherNs: number
  waitNs: number
  /** Threads read (0 once the processes are gone). */
  threads: number
}

export function sample(pids: number[]): Sched {
  const s: Sched = {at: performance.now(), mainNs: 0, otherNs: 0, waitNs: 0, threads: 0}
  for (const pid of pids) {
    let tids: string[]
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue // gone
    }
    for (const tid of tids) {
      try {
        const [runNs, waitNs] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number)
        if (tid === String(pid)) s.mainNs += runNs
        else s.otherNs += runNs
        s.waitNs += waitNs
        s.threads++
      } catch {
        // the thread ended between the listing and the read
      }
    }
  }
  return s
}
