// A command a scenario gives, run through the shell (a scenario file is code, trusted like a script): an
// `exec` fault, or a fault action on a system lbbench did not start. Bounded in time so that a command that
// never ends cannot hold a run past its phases; its exit and output are kept short enough for a timeline.
import {exec} from 'node:child_process'

const TIMEOUT_MS = 30_000
const OUTPUT_LIMIT = 2_000

export interface ShellOutcome {
  /** The exit code, or `timed out` when it was stopped after the time limit. */
  code: number | 'timed out'
  /** stdout then stderr, trimmed and cut at 2,000 characters. */
  output: string
}

export function runShellCommand(command: string, opts: {cwd: string; env?: NodeJS.ProcessEnv}): Promise<ShellOutcome> {
  return new Promise((resolve) => {
    exec(command, {cwd: opts.cwd, env: opts.env ?? process.env, timeout: TIMEOUT_MS, maxBuffer: 1 << 20}, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim().slice(0, OUTPUT_LIMIT)
      resolve({code: err ? (typeof err.code === 'number' ? err.code : err.killed ? 'timed out' : 1) : 0, output})
    })
  })
}

/** `exit 0`, `exit 2: no such container`: how the timeline shows an outcome. */
export function describeOutcome(o: ShellOutcome): string {
  return `exit ${o.code}${o.output ? `: ${o.output}` : ''}`
}
