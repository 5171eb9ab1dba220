// The Strategy seam of the built-in proxy: which backend gets the next request. Pure logic, no I/O:
// strategies are tested without processes. Each strategy file exports its StrategyKind, which is both what
// the scenario checks read (its name, whether it needs a hash key) and its code; registry.ts lists them.

import type {KindDescriptor} from '../../model/kind.js'
import type {Random} from '../../model/random.js'

/** A backend as a strategy sees it. The proxy owns the object and keeps `inflight` current. */
export interface BackendView {
  readonly id: string
  /** Position in the scenario's order (r1 = 0). */
  readonly index: number
  readonly weight: number
  /** Requests in flight to it now (per request, not per socket). */
  inflight: number
}

export interface PickRequest {
  /** The hash key's value for hash strategies (client address, path, or a header). */
  key?: string
  /** Whether a backend may be chosen now: up, and not already tried for this request. */
  usable: (b: BackendView) => boolean
}

export interface Strategy {
  /** The chosen backend, or undefined when no backend is usable. */
  pick(req: PickRequest): BackendView | undefined
  /** An attempt ended after `latencyMs`: load-aware strategies learn from it. */
  observe?(b: BackendView, latencyMs: number, ok: boolean, nowMs: number): void
}

export interface StrategyOptions {
  /** Every backend, in the scenario's order; membership is fixed for a run, state is not. */
  backends: BackendView[]
  random: Random
  now: () => number
  /**
   * `balancer.health.passive.maxFails` (nginx `max_fails`, default 1; 0 = off). The smooth-WRR strategies
   * lower a backend's effective weight by weight/maxFails on each failed attempt, as nginx does.
   */
  maxFails?: number
}

export interface StrategyKind extends KindDescriptor {
  /** Chooses by a key taken from the request, so it needs `balancer.hashKey`. */
  readonly needsHashKey: boolean
  /** The `balancer.hashKey` a scenario that gives none gets; absent = the scenario must give one. */
  readonly defaultHashKey?: string
  /**
   * The strategies that come closest to it, best first, for a balancer that lacks it (`nginx has no
   * maglev strategy; the closest it has is consistent-hash`); absent: none stands in for it.
   */
  readonly nearest?: readonly string[]
  /** How it chooses without the replicas' weights, when it does (a report's fairness still divides by them). */
  readonly ignoresWeights?: string
  create(opts: StrategyOptions): Strategy
}
