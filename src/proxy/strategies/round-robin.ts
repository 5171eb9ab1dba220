// round-robin: the next usable backend in scenario order, weights ignored (use weighted-round-robin for them).
// Follows Envoy ROUND_ROBIN with equal weights (`load_balancer_impl.cc`: `hosts[rr_index_++ % n]`), which is
// also exactly the order nginx's smooth WRR gives when every weight is equal. Envoy starts at a random index;
// this starts at r1 so a run's order depends on nothing but the scenario. An unusable backend is skipped
// and the cycle goes on after the one chosen (Envoy leaves unhealthy hosts out of the list it cycles).

import type {BackendView, PickRequest, StrategyKind} from './strategy.js'

export const roundRobin: StrategyKind = {
  name: 'round-robin',
  summary: 'the next usable backend in turn, weights ignored (Envoy ROUND_ROBIN)',
  needsHashKey: false,
  ignoresWeights: 'round-robin takes the backends in turn whatever their weights (weighted-round-robin follows them)',
  create({backends}) {
    let next = 0
    return {
      pick({usable}: PickRequest): BackendView | undefined {
        const n = backends.length
        for (let i = 0; i < n; i++) {
          const at = (next + i) % n
          if (usable(backends[at])) {
            next = (at + 1) % n
            return backends[at]
          }
        }
        return undefined
      },
    }
  },
}
