// least-connections: nginx `least_conn` (`ngx_http_upstream_least_conn_module.c`).
// The usable backend with the fewest in-flight requests per weight wins, compared as
// a.inflight * b.weight < b.inflight * a.weight (no division); when several tie, one smooth-WRR step runs
// over the tied ones only, starting from the first of them. nginx uses the configured weight for the ratio
// and the effective weight for the tie-break, and a single-server group goes straight to round-robin.

import {SmoothWeights, positionOf} from './smooth-weights.js'
import type {BackendView, PickRequest, StrategyKind} from './strategy.js'

export const leastConnections: StrategyKind = {
  name: 'least-connections',
  summary: 'the fewest in-flight requests per weight (nginx least_conn)',
  needsHashKey: false,
  create({backends, maxFails = 1}) {
    const weights = new SmoothWeights(backends)
    const {current, effective} = weights
    return {
      pick({usable}: PickRequest): BackendView | undefined {
        if (backends.length === 1) return weights.pick(usable)
        let best = -1
        let many = false
        for (let i = 0; i < backends.length; i++) {
          const p = backends[i]
          if (!usable(p)) continue
          if (best === -1) {
            best = i
            many = false
            continue
          }
          const b = backends[best]
          const lhs = p.inflight * b.weight
          const rhs = b.inflight * p.weight
          if (lhs < rhs) {
            best = i
            many = false
          } else if (lhs === rhs) {
            many = true
          }
        }
        if (best === -1) return undefined
        if (many) {
          let total = 0
          const first = best
          for (let i = first; i < backends.length; i++) {
            const p = backends[i]
            const b = backends[best]
            if (!usable(p) || p.inflight * b.weight !== b.inflight * p.weight) continue
            current[i] += effective[i]
            total += effective[i]
            if (effective[i] < p.weight) effective[i] += 1
            if (current[i] > current[best]) best = i
          }
          current[best] -= total
        }
        return backends[best]
      },
      observe(b, _latencyMs, ok) {
        if (!ok) weights.failed(positionOf(backends, b), maxFails)
      },
    }
  },
}
