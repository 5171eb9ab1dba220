// `lbbench shard` for oclif: its arguments, flags and help; what it does is cli/shard-command.ts.

import {Args, Command, Flags} from '@oclif/core'

export default class Shard extends Command {
  static override summary = "Run one shard of a scenario's load, from a start instant shared with the other shards."
  static override description = `Runs shard --index of --of of the scenario's load, and only the load: no replicas, no balancer. Connections and rate are split as load.generators splits them (never multiplied), and each shard's paced schedule is moved by its share of the interval so that the shards interleave. The load goes to the scenario's external balancer url, or to --target (a loopback URL).

Every shard waits for --start-at; one that is ready only after it starts at once and records how late it was. A start instant already more than --max-late past is refused before anything starts (exit 2); a shard that gets ready only after that sends nothing and exits 3.

Output: JSON lines on stdout, or in --out: a shard line (index, host, scenario hash, seed, start instant, clock offset from chrony when it runs), the phase events, one sample per second (counts, errors by kind, per-backend counts and encoded HDR histograms), and an end line (lateness, generator CPU, saturation). lbbench merge turns the shards' files into one report.

Exit codes: 0 the shard ran to its end · 2 bad scenario or usage, or a start instant already too far past · 3 the load generator failed, or the shard got ready too late · 130/143 interrupted (the lines so far are written, ending with the end line).`

  static override examples = [
    '<%= config.bin %> shard scenarios/sharded.yaml --index 0 --of 2 --start-at 2030-01-01T12:00:00Z > shard-0.jsonl',
    '<%= config.bin %> shard scenarios/hello.yaml --index 1 --of 4 --start-at $(( $(date +%s%3N) + 5000 )) --target http://127.0.0.1:8080 --out shard-1.jsonl',
  ]

  static override args = {
    scenario: Args.string({required: true, description: 'The scenario file (YAML).'}),
  }

  static override flags = {
    index: Flags.integer({required: true, min: 0, description: 'This shard: 0 … --of - 1 (as Kubernetes JOB_COMPLETION_INDEX counts).'}),
    of: Flags.integer({required: true, min: 1, description: 'How many shards share the load.'}),
    'start-at': Flags.string({required: true, description: 'The instant every shard starts: an ISO time (2030-01-01T12:00:00Z) or epoch ms.'}),
    target: Flags.string({description: "Where the load goes (a loopback URL); default: the scenario's external balancer url."}),
    out: Flags.string({description: 'Write the lines to this file instead of stdout.'}),
    'max-late': Flags.string({description: 'Refuse (exit 2) when the start instant is already further past than this.', default: '10s'}),
    quiet: Flags.boolean({description: 'Nothing on stderr but errors: for log collectors (kubectl logs, docker service logs) that mix stderr into stdout.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Shard)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {shardCommand} = await import('../cli/shard-command.js')
    try {
      process.exitCode = await shardCommand({
        file: args.scenario,
        index: flags.index,
        of: flags.of,
        startAt: flags['start-at'],
        target: flags.target,
        out: flags.out,
        maxLate: flags['max-late'],
        quiet: flags.quiet,
      })
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
