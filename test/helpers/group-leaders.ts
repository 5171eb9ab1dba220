// nginx rewrites its environment and its workers' command lines, so neither the run's mark nor its folder
// finds every process it left: its master, a process-group leader that names the run's folder, does, and
// the group finds the rest (src/process/process-group.ts's groupMembers).
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

/** Process-group leaders whose command line contains `text` (this process left out). */
export function groupLeadersNaming(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', text], {encoding: 'utf8'})
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid && pgidOf(pid) === pid)
}

function pgidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
  } catch {
    return undefined
  }
}
