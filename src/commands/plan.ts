// `lbbench plan` for oclif: its arguments, flags and help; what it does is cli/plan-command.ts.

import {Args, Command, Flags} from '@oclif/core'

export default class Plan extends Command {
  static override summary = "Print the manifest that runs a scenario's load as shards on Kubernetes."
  static override description = `Prints, on stdout, a ConfigMap with the scenario and an Indexed Job (completionMode: Indexed) whose pods each run lbbench shard with their JOB_COMPLETION_INDEX, all from one start instant set --lead ahead; pod anti-affinity puts the shards on different nodes, each requests one CPU, and they use the node's network (lbbench sends only to loopback addresses). A comment block at the top gives the commands that apply it, wait for it, collect each shard's lines with kubectl logs, merge them with lbbench merge and delete the Job. lbbench does not contact the cluster.

Apply the manifest before the start instant: a shard that starts more than --lead after it refuses.

Exit codes: 0 printed · 2 bad scenario or usage (more shards than the fewest connections of a phase, no target).`

  static override examples = [
    '<%= config.bin %> plan --kubernetes scenarios/sharded.yaml --shards 4 --image registry.example/lbbench:0.1.0 > plan.yaml',
    '<%= config.bin %> plan --kubernetes scenarios/sharded.yaml --lead 2m --target http://127.0.0.1:8080',
  ]

  static override args = {
    scenario: Args.string({required: true, description: 'The scenario file (YAML).'}),
  }

  static override flags = {
    kubernetes: Flags.boolean({description: 'Plan an Indexed Job for Kubernetes.'}),
    shards: Flags.integer({min: 1, description: "How many shards (pods) share the load; default: the scenario's load.generators."}),
    image: Flags.string({description: 'The lbbench image the pods run (it must have lbbench at /lbbench); default: lbbench:<version>.'}),
    lead: Flags.string({description: 'How far ahead the start instant is set: time to apply, schedule and pull.', default: '30s'}),
    'start-at': Flags.string({description: 'The start instant itself (ISO time or epoch ms) instead of now + --lead.'}),
    target: Flags.string({description: "Where the load goes (a loopback URL on each node); default: the scenario's external balancer url."}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Plan)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {planCommand} = await import('../cli/plan-command.js')
    try {
      process.stdout.write(await planCommand({
        file: args.scenario,
        kubernetes: flags.kubernetes,
        shards: flags.shards,
        image: flags.image,
        lead: flags.lead,
        startAt: flags['start-at'],
        target: flags.target,
      }))
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
