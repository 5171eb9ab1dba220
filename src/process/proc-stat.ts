// /proc/PID/stat (Linux), read in one place. Its second field, the command name in parentheses, may hold
// spaces and parentheses itself, so the fields are counted from past the last ')'.
import {readFileSync} from 'node:fs'

/**
 * The fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [2] process group,
 * [11] utime, [12] stime, [19] start time (proc(5)'s field n is index n − 3). Undefined once the
 * process is gone, or where there is no /proc.
 */
export function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}
