// The report of a load run as shards (`lbbench merge`, and `load.generators.on: swarm`): the shards'
// samples merged onto the common clock (metrics/merge-shards.ts), the phases on that clock, and then
// the same report `lbbench run` builds (thresholds, series, every format), with the shards in
// `meta.generator`: each one's requests, CPU, saturation, lateness and clock offset, the skew bound, and
// the shards that were missing.

import {balancerKinds} from '../balancers/registry.js'
import {backendNamer, renameBackends, type BackendNamer} from '../metrics/backend-names.js'
import {mergeShards, t0Offset} from '../metrics/merge-shards.js'
import type {Report} from '../model/report.js'
import {replicaIds, type LoadedScenario, type Scenario} from '../model/scenario.js'
import type {ShardRecord} from '../model/shard.js'
import {buildReport} from './build-report.js'
import {Timeline} from './timeline.js'

export interface MergedRunOptions {
  /** Where the report files go (meta.reportDir). */
  reportDir: string
  /** With --partial: the shards that never reported. */
  missing: number[]
}

export function buildMergedReport(loaded: LoadedScenario, records: ShardRecord[], o: MergedRunOptions): Report {
  const phases = loaded.scenario.load.phases
  const merged = mergeShards(records, phases)
  const namer = backendsNamer(loaded.scenario)
  if (namer) merged.samples = merged.samples.map((x) => renameBackends(x, namer))
  const startAt = merged.t0EpochMs - t0Offset(phases)
  const timeline = new Timeline()
  timeline.t0 = merged.t0EpochMs
  let offset = 0
  for (const p of phases) {
    const ran = records.flatMap((r) => r.phases.filter((x) => x.phase === p.name))
    const start = startAt + offset
    offset += Math.round(p.duration)
    if (ran.length === 0) continue
    // A phase lasts on the common clock as long as its longest run on a shard's clock.
    const longest = Math.max(...ran.map((x) => (x.endMs ?? x.startMs) - x.startMs))
    timeline.add('phase-start', p.name, undefined, start)
    timeline.add('phase-end', p.name, undefined, start + longest)
  }
  for (const r of records) {
    const first = r.phases[0]
    const late = r.end?.lateMs ?? 0
    timeline.add('shard-start', `shard ${r.header.index} of ${r.header.of} on ${r.header.host}${late > 0 ? `, ${late} ms late` : ''}`, undefined, first?.startMs ?? startAt)
  }
  const errors = records.filter((r) => r.end?.error || !r.end)
  return buildReport({
    loaded,
    startedAt: new Date(startAt),
    runDir: o.reportDir,
    samples: merged.samples,
    timeline,
    applied: [],
    generatorUsage: [],
    timing: records.some((r) => r.phases.some((p) => p.timing === 'intended-send')) ? 'intended-send' : 'actual-send',
    target: records[0]?.header.target,
    shards: {rows: merged.rows, elu: records.map((r) => r.end?.elu ?? 0), skewBoundMs: merged.skewBoundMs, clockOffsetsKnown: merged.clockOffsetsKnown, missing: o.missing},
    ...(errors.length > 0 ? {abortReason: errors.map((r) => `shard ${r.header.index}: ${r.end?.error ?? 'its output ends before its end line'}`).join('; ')} : {}),
  })
}

/**
 * Behind a balancer lbbench did not configure, the backends its header names matched to the replicas, as
 * `run` matches them: by name, or by the address the scenario gives each replica.
 */
function backendsNamer(s: Scenario): BackendNamer | undefined {
  const kind = balancerKinds.get(s.balancer.kind)
  if (!kind?.backendHeaderOf) return undefined
  const addresses = s.replicas.addresses ?? s.replicas.ports?.map((p) => `127.0.0.1:${p}`) ?? []
  return backendNamer(replicaIds(s).map((id, i) => ({id, address: addresses[i] ?? id})), kind.backendHeaderOf(s.balancer))
}
