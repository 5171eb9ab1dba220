// What the load generator process and the orchestrator say to each other over IPC.

import type {Ms, PhaseSpec, RequestSpec} from '../scenario/types.js'

export interface GeneratorConfig {
  /** One URL (a balancer), or several (balancer `none`: connections are spread over them). */
  targets: string[]
  phases: PhaseSpec[]
  requests: RequestSpec[]
  timeout: Ms
  seed: number
}

export type ToGenerator = {type: 'start'; config: GeneratorConfig} | {type: 'stop'}

/** Counts of one second (or the part of it that belongs to one phase). */
export interface Sample {
  /** Second index on the load clock: covers [second * 1000, second * 1000 + 1000) ms from t = 0. */
  second: number
  phase: string
  measure: boolean
  sent: number
  completed: number
  bytes: number
  /** Responses by status code. */
  status: Record<string, number>
  errors: {connect: number; reset: number; timeout: number}
  /** Per backend (from x-lbbench-backend): responses, non-2xx, and a latency histogram. */
  perBackend: Record<string, {completed: number; non2xx: number; histogram: string}>
  /** HDR histogram of all response latencies in µs, compressed base64 (hdr-histogram-js). */
  histogram: string
}

export type FromGenerator =
  | {type: 'ready'}
  /** A phase started; the first measured phase's start is t = 0 of the load clock. */
  | {type: 'phase-start'; phase: string; measure: boolean; epochMs: number}
  | {type: 'phase-end'; phase: string; epochMs: number}
  | {type: 'sample'; sample: Sample}
  /** Its own CPU use, so a saturated generator can be told apart from a slow system. */
  | {type: 'usage'; cpuPct: number; elu: number}
  | {type: 'done'}
  | {type: 'error'; message: string}
