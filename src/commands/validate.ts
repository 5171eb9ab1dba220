import {Args, Command, Flags} from '@oclif/core'
import type {LbbenchError} from '../model/errors.js'

export default class Validate extends Command {
  static override summary = 'Check scenario files without running anything.'
  static override description = `Reads each scenario, checks it against the format (types, units, ranges, unknown keys) and across fields (replica ids, fault times within the measured load, threshold metrics and phases, balancer and replica kinds), and prints one line per file: "ok: …" with what it will run, or every problem as file:line:col field: what was expected.

Exit codes: 0 every file is valid · 2 a file has a problem.`

  static override examples = [
    '<%= config.bin %> validate scenarios/failover.yaml',
    '<%= config.bin %> validate scenarios/*.yaml',
    '<%= config.bin %> validate my.yaml --resolved',
  ]

  static override strict = false

  static override args = {
    file: Args.string({required: true, description: 'Scenario files (YAML); more than one may be given.'}),
  }

  static override flags = {
    resolved: Flags.boolean({description: 'Also print the resolved scenario (defaults filled in, durations in ms) as JSON on stdout.'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Validate)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {loadScenario} = await import('../scenario/load.js')
    const {describeScenario} = await import('../scenario/describe.js')
    const {ScenarioError} = await import('../model/errors.js')
    let failed: LbbenchError | undefined
    for (const file of argv as string[]) {
      try {
        const loaded = await loadScenario(file)
        this.log(`ok: ${file} (${describeScenario(loaded.scenario)})`)
        if (flags.resolved) this.log(JSON.stringify(loaded, null, 2))
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error
        this.logToStderr(error.message)
        failed = error
      }
    }
    if (failed) this.exit(failed.exitCode)
  }
}
