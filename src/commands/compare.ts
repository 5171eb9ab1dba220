// `lbbench compare` for oclif: its arguments, flags and help; what it does is cli/compare-command.ts.

import {Args, Command, Flags} from '@oclif/core'
import {balancerModes} from '../balancers/balancer-mode.js'
import {balancerKinds} from '../balancers/registry.js'
import {strategyless} from '../cli/compare-subjects.js'
import {strategyKinds} from '../proxy/strategies/registry.js'
import {reportFormats} from '../report/registry.js'

/** `cluster and none take`, `cluster takes`: the balancers with no strategy to choose. */
function takeNoStrategy(): string {
  const names = [...strategyless]
  const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('')
  const s = names.length === 1 ? 's' : ''
  return `${listed} take${s} no strategy and appear${s} once`
}

/** A combination some balancer cannot do, for the help: `nginx with peak-ewma`. */
function impossibleExample(): string {
  for (const kind of balancerKinds.all) {
    const missing = kind.strategies && strategyKinds.names.find((s) => !(s in kind.strategies!))
    if (missing) return `${kind.name} with ${missing}`
  }
  return 'a strategy a balancer does not have'
}

export default class Compare extends Command {
  static override summary = 'Run one scenario per strategy, balancer or balancer mode (or a matrix of them) and show them side by side.'
  static override description = `Runs the scenario once per subject: each strategy of --strategies, each balancer of --balancers, each balancer mode of --modes (tcp: per connection, http: per request), or the matrix of those given (${takeNoStrategy()}; with --modes, a balancer with one mode appears once). Every combination is checked before anything runs: one a balancer cannot do (${impossibleExample()}) is an error naming what it can do. With --repeat N each subject runs N times, every other round in reverse order (A B B A …) so that a drift of the machine does not favour one subject.

Each run is a normal run with its own folder (report.json) inside reports/compare-<name>-<stamp>/, next to comparison.json, which holds every run's full report. As with run, stdout gets one document at most (the JSON with --json, else the terminal table when terminal is among the formats, else the one format asked for), every file format is written beside comparison.json, and the Markdown is appended to $GITHUB_STEP_SUMMARY whenever that is set. A comparison needs two subjects or more; one subject is refused (exit 2) unless --repeat is 2 or more, which shows how much one subject's runs vary.

The table shows throughput, latency p50/p99/p99.9, failed requests, Jain's index, each backend's share, failover figures when there are faults, and the balancer's and the load generator's CPU use where known (– for none, which has no process); with --repeat, the mean and (min–max) of the runs, and whether the best differs from the rest by more than that spread. The best value of each row is highlighted, and every value after the first subject's carries its change against it (+12.3%). In JUnit, each run is a test suite whose test cases are named after its subject, so CI reporters keep the subjects apart.

Exit codes: a comparison is for looking, so thresholds that fail in a run are shown (PASS/FAIL per subject) but do not change the exit code · 0 every run was carried out · 2 bad scenario, flag, a combination a balancer cannot do, or a single subject without --repeat (nothing is run) · 3 a run could not be carried out (the others still run and are compared) · 130/143 interrupted by SIGINT/SIGTERM (the current run stops, and what was measured is written).`

  static override examples = [
    '<%= config.bin %> compare scenarios/slow-backend.yaml --strategies round-robin,least-connections,p2c,peak-ewma',
    '<%= config.bin %> compare scenarios/balancers.yaml --balancers builtin,nginx,haproxy,none',
    '<%= config.bin %> compare scenarios/slow-backend.yaml --strategies round-robin,p2c --balancers builtin,nginx --repeat 3',
    '<%= config.bin %> compare scenarios/l4-vs-l7.yaml --modes tcp,http',
    '<%= config.bin %> compare scenarios/hash-keys.yaml --strategies ip-hash,consistent-hash,maglev --format terminal,html',
  ]

  static override args = {
    scenario: Args.string({required: true, description: 'The scenario file (YAML).'}),
  }

  static override flags = {
    strategies: Flags.string({description: `Strategies to compare, comma-separated (${strategyKinds.names.join(', ')}).`}),
    balancers: Flags.string({description: `Balancers to compare, comma-separated: ${balancerKinds.names.join(', ')} (none goes straight to the replicas: the baseline of what a balancer costs).`}),
    modes: Flags.string({description: `Balancer modes to compare, comma-separated: ${balancerModes.join(', ')} (tcp balances connections, http requests; for ${[...balancerKinds.all].filter((k) => k.options?.mode).map((k) => k.name).join(', ')}).`}),
    repeat: Flags.integer({description: 'Runs per subject; the table shows their mean and spread.', default: 1, min: 1, max: 50}),
    format: Flags.string({
      description: `Output formats, comma-separated: ${reportFormats.names.join(', ')}. comparison.json is always written.`,
      default: 'terminal',
    }),
    out: Flags.string({description: 'Folder for reports; the comparison gets a sub-folder, each run a folder inside it.', default: 'reports'}),
    color: Flags.boolean({allowNo: true, description: 'Colour the terminal output (default: when stdout is a terminal and NO_COLOR is unset).'}),
    'time-scale': Flags.string({description: 'Multiply phase durations and fault times by this factor (e.g. 0.3 for a quick look).'}),
    json: Flags.boolean({description: 'Print only the comparison as JSON on stdout; progress goes to stderr.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Compare)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {compareCommand} = await import('../cli/compare-command.js')
    try {
      process.exitCode = await compareCommand({
        file: args.scenario,
        strategies: flags.strategies,
        balancers: flags.balancers,
        modes: flags.modes,
        repeat: flags.repeat,
        formats: flags.format,
        out: flags.out,
        color: flags.color,
        timeScale: flags['time-scale'],
        json: flags.json,
      })
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
