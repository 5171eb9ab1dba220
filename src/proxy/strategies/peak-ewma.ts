// peak-ewma: P2C on a peak-EWMA latency cost, as tower's `load/peak_ewma.rs` that linkerd2-proxy uses
// (Finagle `PeakEwma.scala` is the original). Defaults from linkerd2-proxy:
// starting RTT 30 ms (`EWMA_DEFAULT_RTT`), decay 10 s (`EWMA_DECAY`).
//   update(rtt, t): cost := rtt > cost ? rtt : cost·w + rtt·(1−w),  w = exp(−(t − stamp)/decay);  stamp := t
//   load(t)       : update(0, t)  — decays toward 0 while idle;  then cost · (pending + 1)
// Every backend starts at 30 ms stamped at creation, so a never-observed backend costs the starting value,
// decayed like any other (tower does the same). pending = the backend's in-flight requests (tower counts
// outstanding handles). No extra penalty for pending with zero cost (Finagle's `Penalty`) and none for
// failures: tower observes an RTT for failed responses too, which is the known fast-failure pitfall
// (Linkerd's and Envoy's docs): a backend that fails in 1 ms looks cheap and draws traffic.
// The two candidates are drawn as in p2c (two-choices.ts); a tie goes to the first drawn.

import {positionOf} from './smooth-weights.js'
import {TwoChoices} from './two-choices.js'
import type {BackendView, StrategyKind} from './strategy.js'

export const PEAK_EWMA_DEFAULT_RTT_MS = 30
export const PEAK_EWMA_DECAY_MS = 10_000

/** Per-backend peak-EWMA estimates in ms, by position. */
export class PeakEwmaCosts {
  private readonly cost: Float64Array
  private readonly stamp: Float64Array

  constructor(count: number, startMs: number, defaultRttMs = PEAK_EWMA_DEFAULT_RTT_MS, private readonly decayMs = PEAK_EWMA_DECAY_MS) {
    this.cost = new Float64Array(count).fill(defaultRttMs)
    this.stamp = new Float64Array(count).fill(startMs)
  }

  /** tower `RttEstimate::update`: the new estimate after an RTT of `rttMs` seen at `nowMs`. */
  observe(position: number, rttMs: number, nowMs: number): number {
    const {cost, stamp} = this
    if (cost[position] < rttMs) {
      cost[position] = rttMs
    } else {
      const w = Math.exp(-Math.max(0, nowMs - stamp[position]) / this.decayMs)
      cost[position] = cost[position] * w + rttMs * (1 - w)
    }
    // A late observation (a stamp earlier than the last) must not move the clock back.
    if (nowMs > stamp[position]) stamp[position] = nowMs
    return cost[position]
  }

  /** tower `PeakEwma::load`: the decayed estimate times (pending + 1). */
  load(position: number, pending: number, nowMs: number): number {
    return this.observe(position, 0, nowMs) * (pending + 1)
  }
}

export const peakEwma: StrategyKind = {
  name: 'peak-ewma',
  summary: 'the cheaper of two random backends, by peak-EWMA latency × in-flight (linkerd, tower)',
  needsHashKey: false,
  nearest: ['p2c', 'least-connections'],
  ignoresWeights: 'peak-ewma chooses by latency and in-flight requests whatever the weights (p2c weighs its in-flight counts by them)',
  create({backends, random, now}) {
    const choices = new TwoChoices(backends, random)
    const costs = new PeakEwmaCosts(backends.length, now())
    let pickTime = 0
    const load = (b: BackendView): number => costs.load(positionOf(backends, b), b.inflight, pickTime)
    const noCostlier = (a: BackendView, b: BackendView): boolean => load(a) <= load(b)
    return {
      pick({usable}) {
        pickTime = now()
        return choices.pick(usable, noCostlier)
      },
      observe(b, latencyMs, _ok, nowMs) {
        costs.observe(positionOf(backends, b), latencyMs, nowMs)
      },
    }
  },
}
