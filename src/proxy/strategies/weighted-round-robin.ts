// weighted-round-robin: nginx's smooth weighted round-robin (`ngx_http_upstream_round_robin.c`,
// `ngx_http_upstream_get_peer`, since 1.3.0). Weights 5,1,1 give a a b a c a a.
// Only usable backends take part in a round, as nginx skips tried/down/failed peers. A failed attempt lowers
// the backend's effective weight by weight/maxFails, and it climbs back by one per round, as nginx's
// `free_round_robin_peer` does; health (skipping a backend for failTimeout) is the proxy's, not ours.

import {SmoothWeights, positionOf} from './smooth-weights.js'
import type {StrategyKind} from './strategy.js'

export const weightedRoundRobin: StrategyKind = {
  name: 'weighted-round-robin',
  summary: "nginx's smooth weighted round-robin: shares follow the weights",
  needsHashKey: false,
  create({backends, maxFails = 1}) {
    const weights = new SmoothWeights(backends)
    return {
      pick: ({usable}) => weights.pick(usable),
      observe(b, _latencyMs, ok) {
        if (!ok) weights.failed(positionOf(backends, b), maxFails)
      },
    }
  },
}
