// A run's processes, recognised by the LBBENCH_RUN_ID its replicas carry in their environment (Linux
// /proc). A pid recorded in a state file may have been reused by an unrelated process since; the
// environment tells ours from theirs, so cleaning up never kills a stranger.
import {readdirSync, readFileSync} from 'node:fs'
import {processAlive} from './process-alive.js'
import {statFields} from './proc-stat.js'

/** True when process `pid` exists and carries LBBENCH_RUN_ID=<runId> or names the run on its command line. */
export function belongsToRun(pid: number, runId: string): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'latin1')
    if (environ.split('\0').includes(`LBBENCH_RUN_ID=${runId}`)) return true
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(runId)
  } catch {
    return false
  }
}

/** Every live (not zombie) process carrying LBBENCH_RUN_ID=<runId>. */
export function processesOfRun(runId: string): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  return entries
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .map(Number)
    .filter((pid) => belongsToRun(pid, runId) && processAlive(pid))
}

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22): with the pid, a unique name. */
export function processStartTime(pid: number): number | undefined {
  const fields = statFields(pid)
  return fields && Number(fields[19])
}

/** True when `pid` runs (a zombie does not) and, if `startTime` is known, is still the same process (not a reused pid). */
export function isAlive(pid: number, startTime?: number): boolean {
  if (!processAlive(pid)) return false
  if (startTime === undefined) return true
  const now = processStartTime(pid)
  return now === undefined || now === startTime
}
