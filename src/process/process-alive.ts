// Whether a process still runs. `kill(pid, 0)` alone also succeeds for a zombie, and on these machines
// PID 1 reaps orphans late (1-2 s after they exit, measured) or never, so a dead orphan would look alive
// for that long: /proc tells them apart.

import {existsSync, readFileSync} from 'node:fs'

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch (err) {
    // ENOENT: it ended between the two calls; no /proc at all (not Linux): trust kill(pid, 0)
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self/stat')
  }
}
