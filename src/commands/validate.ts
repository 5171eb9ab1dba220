// `lbbench validate` for oclif: its arguments, flags and help; what it does is cli/validate-command.ts.

import {Args, Command, Flags} from '@oclif/core'
import {weightsIgnoredBy} from '../balancers/fairness-notes.js'

export default class Validate extends Command {
  static override summary = 'Check scenario files without running anything.'
  static override description = `Reads each scenario, checks it against the format (types, units, ranges, unknown keys) and across fields (replica ids, fault times within the measured load, threshold metrics and phases, balancer and replica kinds), and prints one line per file: "ok: …" with what it will run (and a "note:" under it when its connections cannot split evenly, or by the weights the balancer follows, over replicas that are balanced by connection: Node's cluster, none, mode tcp; when the balancer ignores the replicas' weights, which the fairness figures still divide by: ${weightsIgnoredBy()}; or when it hashes the client's address, the same for every connection of the load generator), or every problem as file:line:col field: what was expected.

For programs (editors, CI), stdout holds only what they parse and the lines above go to stderr: --resolved prints each resolved scenario as JSON; --json prints every problem of every file as one JSON array of {file, line, col, path, message} (line and col are null for a problem that has no place in the file), [] when all are valid.

Exit codes: 0 every file is valid · 2 a file has a problem (with --json too).`

  static override examples = [
    '<%= config.bin %> validate scenarios/failover.yaml',
    '<%= config.bin %> validate scenarios/*.yaml',
    '<%= config.bin %> validate my.yaml --resolved | jq .scenario.load',
    '<%= config.bin %> validate scenarios/*.yaml --json',
  ]

  static override strict = false

  static override args = {
    file: Args.string({required: true, description: 'Scenario files (YAML); more than one may be given.'}),
  }

  static override flags = {
    resolved: Flags.boolean({description: 'Print the resolved scenario (defaults filled in, durations in ms) as JSON on stdout; the "ok" line goes to stderr.', exclusive: ['json']}),
    json: Flags.boolean({description: 'Print every problem as a JSON array of {file, line, col, path, message} on stdout ([] when all files are valid); the messages also go to stderr.', exclusive: ['resolved']}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Validate)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {validateCommand} = await import('../cli/validate-command.js')
    const exitCode = await validateCommand(argv as string[], {resolved: flags.resolved, json: flags.json}, this)
    if (exitCode !== 0) this.exit(exitCode)
  }
}
