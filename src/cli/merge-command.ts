// What `lbbench merge` does apart from parsing flags: read the shards' files, check that they are the
// shards of one run of the scenario given, merge them (run/merged-report.ts) into the report `run` would
// have written, and deliver it as `run` does (formats, baseline, exit codes). Shards of different runs
// are exit 2, saying which field differs; a missing shard is exit 3 unless --partial.

import {readFile} from 'node:fs/promises'
import {compareWithBaseline, withBaseline} from '../metrics/baseline.js'
import {missingShards, shardMismatch} from '../metrics/merge-shards.js'
import {RunError, UsageError} from '../model/errors.js'
import type {ShardRecord} from '../model/shard.js'
import {parseShard} from '../load/shard-file.js'
import {decideColor} from '../report/color.js'
import {fsReason} from '../report/folder.js'
import {parseFormats} from '../report/render-document.js'
import {buildMergedReport} from '../run/merged-report.js'
import {makeRunDir, newRunId} from '../run/run-dir.js'
import {loadScenario} from '../scenario/load.js'
import type {LoadedScenario} from '../model/scenario.js'
import {deliverDocument} from './deliver-document.js'
import {runExitCode} from './exit-code.js'
import {checkBaselineFlags, loadBaseline} from './run-command.js'

export interface MergeCommandOptions {
  files: string[]
  scenario: string
  formats: string
  out: string
  json: boolean
  color?: boolean
  partial: boolean
  strict: boolean
  baseline?: string
  tolerance?: string
  force?: boolean
}

export async function mergeCommand(o: MergeCommandOptions): Promise<number> {
  checkBaselineFlags(o)
  if (o.files.length === 0) throw new UsageError('give the shards\' files: lbbench merge shard-0.jsonl shard-1.jsonl --scenario <file>')
  const formats = parseFormats(o.formats)
  const loaded = await loadScenario(o.scenario)
  const records = await Promise.all(o.files.map(readShard))
  checkShards(records, loaded)
  const missing = missingShards(records, records[0].header.of)
  if (missing.length > 0 && !o.partial) {
    throw new RunError(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${records[0].header.of} missing (${records.length} given): merge them all, or give --partial to merge these, marked partial`)
  }
  const baseline = o.baseline === undefined ? undefined : await loadBaseline(o, loaded.hash)
  const dir = await makeRunDir(o.out, newRunId(`${loaded.scenario.name}-merged`, new Date(records[0].header.startAt)))
  let report = buildMergedReport(loaded, records, {reportDir: dir, missing})
  if (baseline && !report.meta.aborted) {
    report = withBaseline(report, compareWithBaseline(report, baseline.report, {
      file: o.baseline!,
      tolerance: baseline.tolerance,
      forced: baseline.warning !== undefined,
      warnings: baseline.warning ? [baseline.warning] : [],
    }))
  }
  for (const w of report.baseline?.warnings ?? []) process.stderr.write(`warning: ${w}\n`)
  const color = decideColor({flag: o.color, env: process.env, isTTY: process.stdout.isTTY})
  await deliverDocument(report, dir, {formats, json: o.json, color, label: 'report'})
  return runExitCode({report, strict: o.strict})
}

async function readShard(file: string): Promise<ShardRecord> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new UsageError(`${file}: cannot read it: ${fsReason(e)}`)
  })
  return parseShard(text, file)
}

/** Shards of one run, of this scenario: else exit 2, saying which field differs. */
function checkShards(records: ShardRecord[], loaded: LoadedScenario): void {
  const mismatch = shardMismatch(records)
  if (mismatch) throw new UsageError(mismatch)
  const first = records[0].header
  if (first.scenarioHash !== loaded.hash) {
    throw new UsageError(`${records[0].source} was made from another scenario (hash ${first.scenarioHash.slice(0, 19)}) than --scenario ${loaded.file} (hash ${loaded.hash.slice(0, 19)})`)
  }
}
