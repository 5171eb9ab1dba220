// The shards of one distributed load (`lbbench shard`), merged into the samples of one run. Each shard
// numbers its seconds from its own start, so each is first moved onto the common clock (t = 0 is the
// common start instant plus the phases before the first measured one) by the whole seconds it started
// off it; then the samples of one (phase, second) merge exactly, counts added and histograms added bucket
// by bucket (never an average of percentiles). What cannot be moved exactly, the part of a second a shard
// started off the common boundary, is the skew bound: how far per-second figures and times to detect
// may be off.

import type {Sample} from '../model/generator-messages.js'
import type {PhaseSpec} from '../model/scenario.js'
import type {ShardRecord, ShardRow} from '../model/shard.js'
import {mergeSamples} from './merge-samples.js'

export interface MergedShards {
  samples: Sample[]
  rows: ShardRow[]
  /** The largest distance of a shard's real start from its bucket boundary, ms. */
  skewBoundMs: number
  /** Every shard knew its clock offset (else the skew bound leaves the unknown offsets out). */
  clockOffsetsKnown: boolean
  /** The common t = 0, epoch ms. */
  t0EpochMs: number
}

/** The offset of t = 0 from the first phase's start: the phases before the first measured one. */
export function t0Offset(phases: readonly PhaseSpec[]): number {
  const first = phases.findIndex((p) => p.measure)
  return phases.slice(0, Math.max(0, first)).reduce((n, p) => n + Math.round(p.duration), 0)
}

/** Where a shard's own t = 0 was (epoch ms of its own clock): its first measured phase's start. */
function shardT0(r: ShardRecord, offset: number): number | undefined {
  const measured = r.phases.find((p) => p.measure) ?? r.phases[0]
  if (!measured) return undefined
  return measured.measure ? measured.startMs : measured.startMs + offset
}

export function mergeShards(records: readonly ShardRecord[], phases: readonly PhaseSpec[]): MergedShards {
  const startAt = records[0]?.header.startAt ?? 0
  const offset = t0Offset(phases)
  const t0 = startAt + offset
  const order = new Map(phases.map((p, i) => [p.name, i]))
  const groups = new Map<string, Sample[]>()
  let skew = 0
  const rows: ShardRow[] = []
  for (const r of records) {
    const own = shardT0(r, offset) ?? t0
    const shift = Math.round((own - t0) / 1000)
    skew = Math.max(skew, offBoundary(own - t0, r.header.clockOffsetMs))
    for (const s of r.samples) {
      const moved = shift === 0 ? s : {...s, second: s.second + shift}
      const key = `${order.get(s.phase) ?? -1}\u0000${moved.second}`
      const group = groups.get(key) ?? []
      group.push(moved)
      groups.set(key, group)
    }
    rows.push(rowOf(r))
  }
  const samples = [...groups.values()]
    .map((g) => mergeSamples(g))
    .sort((a, b) => a.second - b.second || (order.get(a.phase) ?? 0) - (order.get(b.phase) ?? 0))
  return {
    samples,
    rows: rows.sort((a, b) => a.index - b.index),
    skewBoundMs: Math.round(skew),
    clockOffsetsKnown: records.every((r) => r.header.clockOffsetMs !== null),
    t0EpochMs: t0,
  }
}

/**
 * How far a shard's real start was from the boundary of the common second it was put on: its own t = 0,
 * `startedMs` after the common one on its clock, less its clock's offset.
 */
export function offBoundary(startedMs: number, clockOffsetMs: number | null): number {
  const shift = Math.round(startedMs / 1000)
  return Math.abs(startedMs - (clockOffsetMs ?? 0) - shift * 1000)
}

/** What a sharded run's report says of its generators (`meta.generator`): the busiest shard, any saturated, each shard. */
export function shardedGenerator(shards: {rows: ShardRow[]; elu: number[]; skewBoundMs: number; clockOffsetsKnown: boolean; missing?: number[]}) {
  return {
    // The busiest shard: a saturated one makes the whole measurement suspect.
    cpuPct: Math.max(0, ...shards.rows.map((x) => x.cpuPct)),
    elu: Math.max(0, ...shards.elu),
    saturated: shards.rows.some((x) => x.saturated),
    shards: shards.rows,
    skewBoundMs: Math.round(shards.skewBoundMs),
    clockOffsetsKnown: shards.clockOffsetsKnown,
    ...(shards.missing?.length ? {missing: shards.missing} : {}),
  }
}

/** A shard's row from its measured samples and its end line. */
export function shardRow(header: ShardRecord['header'], samples: ShardRecord['samples'], end: ShardRecord['end']): ShardRow {
  return rowOf({source: '', header, phases: [], samples, end})
}

function rowOf(r: ShardRecord): ShardRow {
  // As the summary counts them: requests still in flight when a phase stopped were not sent in it.
  const requests = r.samples.filter((s) => s.measure).reduce((n, s) => n + s.sent - (s.cutOff ?? 0), 0)
  return {
    index: r.header.index,
    host: r.header.host,
    requests,
    cpuPct: r.end?.cpuPct ?? 0,
    saturated: r.end?.saturated ?? false,
    lateMs: r.end?.lateMs ?? 0,
    clockOffsetMs: r.header.clockOffsetMs,
    ...(r.end?.error ? {error: r.end.error} : {}),
  }
}

/** What makes shards not of one run: the first field they disagree on, or undefined. */
export function shardMismatch(records: readonly ShardRecord[]): string | undefined {
  const fields = [
    ['scenario hash', (r: ShardRecord) => r.header.scenarioHash],
    ['seed', (r: ShardRecord) => r.header.seed],
    ['start instant', (r: ShardRecord) => new Date(r.header.startAt).toISOString()],
    ['shard count', (r: ShardRecord) => r.header.of],
  ] as const
  const first = records[0]
  if (!first) return undefined
  for (const [name, of] of fields) {
    const other = records.find((r) => of(r) !== of(first))
    if (other) return `${other.source} has another ${name} (${String(of(other))}) than ${first.source} (${String(of(first))}): the shards are not of one run`
  }
  const seen = new Map<number, string>()
  for (const r of records) {
    const before = seen.get(r.header.index)
    if (before) return `${r.source} and ${before} are both shard ${r.header.index}`
    seen.set(r.header.index, r.source)
  }
  return undefined
}

/** The shard indices 0 … of - 1 none of the records is. */
export function missingShards(records: readonly ShardRecord[], of: number): number[] {
  const have = new Set(records.map((r) => r.header.index))
  return Array.from({length: of}, (_, i) => i).filter((i) => !have.has(i))
}
