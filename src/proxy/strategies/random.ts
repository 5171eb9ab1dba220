// random: weighted random, as nginx `random;` (`ngx_http_upstream_random_module.c`):
// x uniform in [0, total weight), binary search over the cumulative weights of ALL backends; an unusable
// one is drawn again, and after 21 draws (nginx: `++tries > 20`) smooth round-robin over the usable ones
// decides. nginx draws an integer `ngx_random() % total_weight`; a real x gives the same shares.

import {SmoothWeights} from './smooth-weights.js'
import type {BackendView, PickRequest, StrategyKind} from './strategy.js'

export const weightedRandom: StrategyKind = {
  name: 'random',
  summary: 'weighted random (nginx random)',
  needsHashKey: false,
  create({backends, random}) {
    // range[i] = total weight before backend i (nginx `ranges[i].range`).
    const range = new Float64Array(backends.length)
    let total = 0
    backends.forEach((b, i) => {
      range[i] = total
      total += b.weight
    })
    const fallback = new SmoothWeights(backends)
    return {
      pick({usable}: PickRequest): BackendView | undefined {
        if (backends.length < 2 || !(total > 0)) return fallback.pick(usable)
        for (let tries = 0; ; ) {
          const x = random() * total
          let i = 0
          let j = backends.length
          while (j - i > 1) {
            const k = (i + j) >>> 1
            if (x < range[k]) j = k
            else i = k
          }
          if (usable(backends[i])) return backends[i]
          if (++tries > 20) return fallback.pick(usable)
        }
      },
    }
  },
}
