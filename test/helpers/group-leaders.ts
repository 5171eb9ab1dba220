// nginx rewrites its environment and its workers' command lines, so neither the run's mark nor its folder
// finds every process it left: its master, a process-group leader that names the run's folder, does, and
// the group finds the rest (src/process/process-group.ts's groupMembers).
import {spawnSync} from 'node:child_process'
import {processGroupOf} from '../../src/process/process-group.js'

/** Process-group leaders whose command line contains `text` (this process left out). */
export function groupLeadersNaming(text: string): number[] {
  const r = spawnSync('pgrep', ['-f', text], {encoding: 'utf8'})
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid && processGroupOf(pid) === pid)
}
