// Runs the scenario's shell command (a scenario file is code, trusted like a script), in the scenario
// file's folder. Its output and exit code go on the timeline; a failing command does not stop the run.
import {exec as execShell} from 'node:child_process'
import {breaksNothing, type FaultKind} from './action.js'

// A bound on a custom step, so a command that never ends cannot hold the run past its phases.
const EXEC_TIMEOUT_MS = 30_000
const OUTPUT_LIMIT = 2_000

export const exec: FaultKind = {
  name: 'exec',
  summary: "runs a shell command in the scenario file's folder (a custom step); its output goes on the timeline",
  needsTarget: false,
  requires: ['command'],
  accepts: ['command'],
  why: {command: 'an exec fault needs the command to run, like command: "echo step"'},
  failover: breaksNothing,
  describe: (f) => `exec: ${f.command ?? ''}`,
  apply(ctx, fault) {
    return new Promise((resolve) => {
      execShell(fault.command ?? '', {cwd: ctx.scenarioDir, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1 << 20}, (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim().slice(0, OUTPUT_LIMIT)
        const code = err ? (typeof err.code === 'number' ? err.code : err.killed ? 'timed out' : 1) : 0
        ctx.event('exec-result', `exit ${code}${output ? `: ${output}` : ''}`)
        resolve()
      })
    })
  },
}
