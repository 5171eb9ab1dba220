// Backend state across proxy workers (balancer.workers > 1, each with its own health marks, like nginx
// without `zone`). Every worker's own flips would be noise on the timeline, so the orchestrator hears of
// one state per backend: down as soon as the first worker marks it down, up again only when every worker
// has it up. The reason is the worker's, with which worker it was. Pure state.

import type {BackendStateChange} from '../balancers/balancer.js'

export class WorkerStates {
  /** Per backend id, the workers (1-based) that have it down. */
  private readonly downIn = new Map<string, Set<number>>()

  constructor(private readonly workers: number) {}

  /** Worker `w` (1-based) reported `change`; returns the combined change to report, if the combined state flipped. */
  apply(w: number, change: BackendStateChange): BackendStateChange | undefined {
    let set = this.downIn.get(change.id)
    if (!set) this.downIn.set(change.id, (set = new Set()))
    const wasDown = set.size > 0
    if (change.state === 'down') set.add(w)
    else set.delete(w)
    const down = set.size > 0
    if (down === wasDown) return undefined
    return {...change, reason: `${change.reason} (proxy worker ${w} of ${this.workers})`}
  }
}
