// `lbbench clean` for oclif: its flags and help; what it does is cli/clean-command.ts.

import {Command, Flags} from '@oclif/core'

export default class Clean extends Command {
  static override summary = 'Remove what crashed runs left behind: processes, containers, Swarm services and jobs, temporary folders.'
  static override description = `A run that ends normally, or on Ctrl-C or SIGTERM, tidies up after itself. One whose orchestrator was killed outright (SIGKILL, the OOM killer) may leave Docker containers and Swarm services or shard jobs (replica processes, nginx and HAProxy die with it on their own), temporary folders and its state file. This finds runs whose orchestrator is no longer alive, from their state files in the temporary folder and from the labels on containers, and removes what they left: processes still carrying the run's id, Swarm services labelled with the run and then their containers, containers labelled with the run, the run's temporary folders. Runs that are still going are never touched, and a recorded pid that now belongs to another program is not killed. Report folders are kept. Every run does the same before it starts; this is for when none follows, or when Docker was unreachable then.

Exit codes: 0 done (also when there was nothing to remove).`

  static override examples = ['<%= config.bin %> clean', '<%= config.bin %> clean --dry-run']

  static override flags = {
    'dry-run': Flags.boolean({description: 'Only list what would be removed.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Clean)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {cleanCommand} = await import('../cli/clean-command.js')
    try {
      await cleanCommand({dryRun: flags['dry-run']}, this)
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
