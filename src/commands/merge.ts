// `lbbench merge` for oclif: its arguments, flags and help; what it does is cli/merge-command.ts.

import {Args, Command, Flags} from '@oclif/core'
import {reportFlags} from '../cli/report-flags.js'

export default class Merge extends Command {
  static override summary = 'Merge the shards of a distributed load (lbbench shard) into one report.'
  static override description = `Reads the files lbbench shard wrote, checks that they are the shards of one run of --scenario, and builds the report lbbench run would have: thresholds, the baseline and every format work the same. The shards' per-second HDR histograms are added bucket by bucket, never averaged, so percentiles are exact; each shard's seconds are put on the clock of the common start instant.

The report lists each shard (requests, generator CPU, saturation, start lateness, clock offset) in meta.generator.shards, and the skew bound: how far a shard's real start was from its second's boundary, which is how far per-second figures and times to detect can be off. Without chrony on a shard's machine its clock offset is unknown and the bound leaves it out.

Exit codes: 0 every threshold held · 1 a threshold failed (or a regression against --baseline, or a shard stopped early) · 2 bad usage, a corrupt line (file:line), or shards of different runs (scenario hash, seed, start instant or shard count: the message says which) · 3 a shard is missing (unless --partial) · 4 a shard's generator was saturated, with --strict.`

  static override examples = [
    '<%= config.bin %> merge shard-*.jsonl --scenario scenarios/sharded.yaml',
    '<%= config.bin %> merge shard-0.jsonl shard-1.jsonl --scenario scenarios/sharded.yaml --format terminal,markdown --out reports',
    '<%= config.bin %> merge shard-0.jsonl shard-2.jsonl --scenario scenarios/sharded.yaml --partial --json',
  ]

  static override strict = false

  static override args = {
    files: Args.string({required: true, description: 'The shards\' files (JSON lines from lbbench shard).'}),
  }

  static override flags = {
    scenario: Flags.string({required: true, description: 'The scenario the shards ran (its hash must be theirs).'}),
    ...reportFlags,
    out: Flags.string({description: 'Folder for reports; the merge gets a sub-folder.', default: 'reports'}),
    partial: Flags.boolean({description: 'Merge even when shards are missing; the report lists them (meta.generator.missing).'}),
    strict: Flags.boolean({description: 'Exit 4 when a shard\'s load generator was saturated.'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Merge)
    // Loaded here, not at the top: without a manifest oclif imports every command file for any command.
    const {mergeCommand} = await import('../cli/merge-command.js')
    try {
      process.exitCode = await mergeCommand({
        files: argv as string[],
        scenario: flags.scenario,
        formats: flags.format,
        out: flags.out,
        json: flags.json,
        color: flags.color,
        partial: flags.partial,
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
