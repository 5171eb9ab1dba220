// `lbbench init` for oclif: its arguments, flags and help; what it does is cli/init-command.ts.

import {Args, Command, Flags} from '@oclif/core'

export default class Init extends Command {
  static override summary = 'Write a commented starter scenario.'
  static override description = `Writes <name>.yaml (scenario.yaml by default) in the current folder: two replicas behind round-robin, a short load, one replica killed and restarted, two thresholds, and the other options in comments. Its first line points editors that use yaml-language-server at the JSON Schema, so they complete and check the file as you type.

Exit codes: 0 written · 2 the name is not valid or the file exists (use --force).`

  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init checkout-failover', '<%= config.bin %> init scenarios/smoke --force']

  static override args = {
    name: Args.string({description: "Scenario name (lowercase words joined by '-'); the file is <name>.yaml.", default: 'scenario'}),
  }

  static override flags = {
    force: Flags.boolean({char: 'f', description: 'Overwrite the file if it exists.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Init)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {initCommand} = await import('../cli/init-command.js')
    try {
      await initCommand(args.name, {force: flags.force, bin: this.config.bin}, this)
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
