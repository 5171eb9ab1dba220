// Runs the scenario's shell command (a scenario file is code, trusted like a script), in the scenario
// file's folder. Its output and exit code go on the timeline; a failing command does not stop the run.
import {describeOutcome, runShellCommand} from '../process/shell-command.js'
import {breaksNothing, type FaultKind} from './action.js'

export const exec: FaultKind = {
  name: 'exec',
  summary: "runs a shell command in the scenario file's folder (a custom step); its output goes on the timeline",
  needsTarget: false,
  requires: ['command'],
  accepts: ['command'],
  why: {command: 'an exec fault needs the command to run, like command: "echo step"'},
  failover: breaksNothing,
  describe: (f) => `exec: ${f.command ?? ''}`,
  async apply(ctx, fault) {
    ctx.event('exec-result', describeOutcome(await runShellCommand(fault.command ?? '', {cwd: ctx.scenarioDir})))
  },
}
