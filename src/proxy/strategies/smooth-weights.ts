// nginx's smooth weighted round-robin state (`ngx_http_upstream_round_robin.c`, `get_peer`, since 1.3.0),
// shared by every strategy that nginx itself falls back to round-robin in: weighted-round-robin,
// least-connections (tie-break), random, ip-hash and consistent-hash (after 20 failed tries).
// Each strategy keeps its own state, as each nginx upstream does (per worker, without `zone`).

import type {BackendView} from './strategy.js'

export class SmoothWeights {
  /** nginx `current_weight`, by position in the backends array. */
  readonly current: Float64Array
  /** nginx `effective_weight`: lowered by failures, raised by one per selection round back to `weight`. */
  readonly effective: Float64Array

  constructor(private readonly backends: readonly BackendView[]) {
    this.current = new Float64Array(backends.length)
    this.effective = Float64Array.from(backends, (b) => b.weight)
  }

  /** nginx `ngx_http_upstream_get_peer`: strict '>' so the first in order wins a tie. */
  pick(usable: (b: BackendView) => boolean): BackendView | undefined {
    const {backends, current, effective} = this
    let best = -1
    let total = 0
    for (let i = 0; i < backends.length; i++) {
      const b = backends[i]
      if (!usable(b)) continue
      current[i] += effective[i]
      total += effective[i]
      if (effective[i] < b.weight) effective[i] += 1
      if (best === -1 || current[i] > current[best]) best = i
    }
    if (best === -1) return undefined
    current[best] -= total
    return backends[best]
  }

  /**
   * nginx `ngx_http_upstream_free_round_robin_peer` on a failed attempt:
   * effective_weight -= weight / max_fails (integer division), never below 0; a single server is exempt.
   */
  failed(position: number, maxFails: number): void {
    if (this.backends.length === 1 || maxFails <= 0) return
    const b = this.backends[position]
    this.effective[position] = Math.max(0, this.effective[position] - Math.floor(b.weight / maxFails))
  }
}

/** Where `b` sits in `backends` (normally `b.index`; the search only guards against a mismatch). */
export function positionOf(backends: readonly BackendView[], b: BackendView): number {
  return backends[b.index] === b ? b.index : backends.indexOf(b)
}
