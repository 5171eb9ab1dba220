import {exec as execShell} from 'node:child_process'
import type {FaultAction} from './action.js'

// A bound on a custom step, so a command that never ends cannot hold the run past its phases.
const EXEC_TIMEOUT_MS = 30_000
const OUTPUT_LIMIT = 2_000

/**
 * Runs the scenario's shell command (a scenario file is code, trusted like a script), in the scenario
 * file's folder. Its output and exit code go on the timeline; a failing command does not stop the run.
 */
export const exec: FaultAction = {
  name: 'exec',
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
