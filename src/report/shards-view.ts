// A merged run's shards (lbbench merge, load.generators.on swarm) as every format shows them: one row a
// shard (host, requests, generator CPU, saturation, start lateness, clock offset), the note on how far
// start skew can move per-second figures and times to detect, and which shards were missing.

import type {Report} from '../model/report.js'
import type {ChalkInstance} from 'chalk'
import {count, num} from './format.js'
import {indent, table} from './terminal-table.js'

export const shardsHead = ['shard', 'host', 'requests', 'CPU', 'saturated', 'late', 'clock offset']

export function shardRows(r: Report): string[][] {
  return (r.meta.generator.shards ?? []).map((s) => [
    String(s.index),
    s.host,
    count(s.requests),
    `${num(s.cpuPct)}%`,
    s.saturated ? 'SATURATED' : 'no',
    `${num(s.lateMs)} ms`,
    s.clockOffsetMs === null ? 'unknown' : `${num(s.clockOffsetMs)} ms`,
  ])
}

/** What the skew bound means, and what is missing; empty for a run that was not merged. */
export function shardNotes(r: Report): string[] {
  const g = r.meta.generator
  if (!g.shards) return []
  const notes = [
    `start skew: per-second figures and times to detect may be off by up to ${num(g.skewBoundMs ?? 0)} ms` +
      (g.clockOffsetsKnown ? '' : ' (clock offsets not known everywhere: run chrony on every machine to bound them)'),
  ]
  for (const s of g.shards.filter((x) => x.error)) notes.push(`shard ${s.index} stopped early: ${s.error}`)
  if (g.missing?.length) notes.push(`PARTIAL: shard${g.missing.length > 1 ? 's' : ''} ${g.missing.join(', ')} of ${g.shards.length + g.missing.length} missing; the figures cover the others only`)
  return notes
}

/** The terminal report's Shards section; empty for a run that was not sharded. */
export function terminalShards(r: Report, c: ChalkInstance, color: boolean): string[] {
  const rows = shardRows(r)
  if (rows.length === 0) return []
  return [c.bold('Shards'), indent(table(shardsHead, rows, color)), ...shardNotes(r).map((n) => c.dim(`  ${n}`))]
}
