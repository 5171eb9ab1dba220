// What one shard of a distributed load (`lbbench shard`) writes, one JSON object a line, and what
// `lbbench merge` reads back: who the shard was and when it was told to start, the generator's phase
// events and per-second samples (with their encoded HDR histograms, so that merging stays exact), and
// at the end how it went (lateness, CPU, saturation). The first line is always the `shard` line.

import type {Sample, Timing} from './generator-messages.js'

/** The shard's identity: what every shard of one run must agree on, and what is its own. */
export interface ShardHeader {
  type: 'shard'
  /** 0 … of - 1, like Kubernetes' JOB_COMPLETION_INDEX. */
  index: number
  of: number
  scenarioHash: string
  seed: number
  /** The common start instant, epoch ms. */
  startAt: number
  host: string
  /** How far this machine's clock was ahead of true time (chrony's estimate), in ms; null: not known. */
  clockOffsetMs: number | null
  /** Where the load went. */
  target: string
  lbbench: string
}

/** The shard's last line: how it went. Without it the shard's file is cut short. */
export interface ShardEnd {
  type: 'end'
  /** How long after the start instant its first phase started (IPC and timer delay included), ms. */
  lateMs: number
  /** The generator's CPU use (percent of one core) and event-loop utilisation, medians over its seconds. */
  cpuPct: number
  elu: number
  saturated: boolean
  /** The generator failed or was stopped: why. Its samples up to then are kept. */
  error?: string
}

export type ShardLine =
  | ShardHeader
  | {type: 'phase-start'; phase: string; measure: boolean; epochMs: number; timing: Timing}
  | {type: 'phase-end'; phase: string; epochMs: number}
  | {type: 'sample'; sample: Sample}
  | ShardEnd

/** One shard's file, read back. */
export interface ShardRecord {
  /** Where it came from, for messages. */
  source: string
  header: ShardHeader
  phases: Array<{phase: string; measure: boolean; startMs: number; endMs?: number; timing: Timing}>
  samples: Sample[]
  end?: ShardEnd
}

/** How one shard went, as the merged report shows it (`meta.generator.shards`). */
export interface ShardRow {
  index: number
  host: string
  requests: number
  cpuPct: number
  saturated: boolean
  lateMs: number
  clockOffsetMs: number | null
  error?: string
}
