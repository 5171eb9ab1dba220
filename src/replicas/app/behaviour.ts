// What the built-in app does for one request, as pure functions of its behaviour and a seeded random
// source, so that the server stays a thin shell and every choice can be tested exactly.

import type {Random} from '../../model/random.js'
import type {AppBehaviour, LatencySpec} from '../../model/scenario.js'
import type {BehaviourChange} from '../replica-set.js'

/** The behaviour the replica started with, what it does now, and the latency a `slow` fault adds. */
export interface LiveBehaviour {
  configured: AppBehaviour
  current: AppBehaviour
  /** Added on top of every drawn latency (ms); 0 when no `slow` fault is in force. */
  addLatency: number
}

/** What one request gets. */
export interface RequestPlan {
  latencyMs: number
  cpuMs: number
  status: number
  fails: boolean
}

export function liveBehaviour(configured: AppBehaviour): LiveBehaviour {
  return {configured, current: configured, addLatency: 0}
}

/**
 * Applies a control-channel change. `reset` first restores the configured behaviour (and drops any added
 * latency and a hang), then the other fields of the same change apply on top, so `{reset: true}` is
 * `heal` and `{reset: true, errorRate: 1}` is "heal, then fail everything".
 */
export function applyChange(live: LiveBehaviour, change: BehaviourChange): LiveBehaviour {
  const base = change.reset ? liveBehaviour(live.configured) : live
  const {reset: _reset, addLatency, ...fields} = change
  const current: AppBehaviour = {...base.current}
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (current as unknown as Record<string, unknown>)[k] = v
  return {configured: live.configured, current, addLatency: addLatency ?? base.addLatency}
}

/** A standard normal draw (Box-Muller); consumes two numbers of the random source. */
function standardNormal(random: Random): number {
  const u = 1 - random() // (0, 1]: log(0) would be -Infinity
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/**
 * One latency draw in ms, never negative and clamped to [min, max] when they are given.
 * - fixed: `mean`.
 * - normal: mean ± stddev (stddev absent = 0, i.e. fixed).
 * - exponential: mean `mean`.
 * - uniform: over [min, max]; a missing bound mirrors the other around `mean` (both missing: [0, 2·mean]).
 */
export function drawLatency(spec: LatencySpec, random: Random): number {
  let ms: number
  switch (spec.dist) {
    case 'fixed':
      ms = spec.mean
      break
    case 'normal':
      ms = spec.mean + (spec.stddev ?? 0) * standardNormal(random)
      break
    case 'exponential':
      ms = -spec.mean * Math.log(1 - random())
      break
    case 'uniform': {
      const lo = spec.min ?? Math.max(0, 2 * spec.mean - (spec.max ?? 2 * spec.mean))
      const hi = spec.max ?? 2 * spec.mean - lo
      ms = lo + (hi - lo) * random()
      break
    }
  }
  if (spec.min !== undefined) ms = Math.max(spec.min, ms)
  if (spec.max !== undefined) ms = Math.min(spec.max, ms)
  return Math.max(0, ms)
}

/**
 * The plan for one request. The random source is consumed in a fixed order (latency, then the error
 * draw when errorRate is between 0 and 1) so that a seed gives the same sequence of plans.
 */
export function planRequest(live: LiveBehaviour, random: Random): RequestPlan {
  const b = live.current
  const latencyMs = drawLatency(b.latency, random) + live.addLatency
  const fails = b.errorRate >= 1 ? true : b.errorRate <= 0 ? false : random() < b.errorRate
  return {latencyMs, cpuMs: b.cpu, status: fails ? b.errorStatus : 200, fails}
}

const hello = 'Hello World!'

/** `bytes` bytes of `Hello World!` repeated: exactly `Hello World!` for the default 12. */
export function responseBody(bytes: number): Buffer {
  const n = Math.max(0, Math.floor(bytes))
  return Buffer.from(hello.repeat(Math.ceil(n / hello.length)).slice(0, n))
}
