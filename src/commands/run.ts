// `lbbench run` for oclif: its arguments, flags and help; what it does is cli/run-command.ts.

import {Args, Command, Flags} from '@oclif/core'
import {reportFlags} from '../cli/report-flags.js'

export default class Run extends Command {
  static override summary = 'Run a scenario: start replicas and a balancer, drive load, inject faults, report.'
  static override description = `Starts the scenario's replicas and balancer on 127.0.0.1, drives load through them with autocannon in its own process, applies the faults on the load clock, then prints the report and writes it to the reports folder (report.json, plus the formats asked for). Before anything starts it checks that the reports folder can be made and written in, and removes what earlier runs left when their lbbench was killed (containers, processes), saying what.

Output: stdout gets one document at most: the JSON with --json, else the terminal report when terminal is among the formats (the default), else the one format asked for when only one is. Every file format is written into the run's folder, with its path on stderr. The Markdown report is appended to $GITHUB_STEP_SUMMARY whenever that is set.

Exit codes: 0 every threshold held · 1 a threshold failed (or a regression against --baseline) · 2 bad scenario or usage, or a reports folder that cannot be used · 3 the run could not be carried out (its report is still written, marked not run, with the error), or a report file could not be written · 4 the measurement is invalid (saturated load generator) with --strict · 130/143 interrupted by SIGINT/SIGTERM (the report measured so far is written, marked aborted).`

  static override examples = [
    '<%= config.bin %> run scenarios/failover.yaml',
    '<%= config.bin %> run scenarios/failover.yaml --json > report.json',
    '<%= config.bin %> run scenarios/hello.yaml --format markdown > summary.md',
    '<%= config.bin %> run scenarios/hello.yaml --format terminal,markdown,html --out reports',
    '<%= config.bin %> run scenarios/failover.yaml --time-scale 0.3',
    '<%= config.bin %> run scenarios/hello.yaml --baseline baseline/report.json --tolerance 10% --format terminal,markdown,junit',
  ]

  static override args = {
    scenario: Args.string({required: true, description: 'The scenario file (YAML).'}),
  }

  static override flags = {
    ...reportFlags,
    out: Flags.string({description: 'Folder for reports; each run gets a sub-folder.', default: 'reports'}),
    'time-scale': Flags.string({description: 'Multiply phase durations and fault times by this factor (e.g. 0.3 for a quick smoke run).'}),
    'print-config': Flags.boolean({description: "Print the balancer's generated configuration (nginx.conf, haproxy.cfg) to stderr once it starts. It is always saved in the run's folder."}),
    strict: Flags.boolean({description: 'Exit 4 when the measurement is invalid (the load generator was saturated).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Run)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {runCommand} = await import('../cli/run-command.js')
    try {
      process.exitCode = await runCommand({
        file: args.scenario,
        json: flags.json,
        formats: flags.format,
        out: flags.out,
        color: flags.color,
        timeScale: flags['time-scale'],
        printConfig: flags['print-config'],
        strict: flags.strict,
        baseline: flags.baseline,
        tolerance: flags.tolerance,
        force: flags.force,
      })
    } catch (error) {
      const {exitWith} = await import('../cli/exit-with.js')
      exitWith(this, error)
    }
  }
}
