// Backend state across proxy workers (balancer.workers > 1): the orchestrator hears of one state per
// backend, not of every worker's flips. Pure state.
// - Per-worker state (like nginx without `zone`): each worker has its own health marks, so a backend is
//   down as soon as the first worker marks it down and up again only when every worker has it up. The
//   reason is the worker's, with which worker it was: the other workers may still send to it.
// - Shared state (balancer.sharedState, like nginx's `zone`): the workers mark a backend down and up
//   together (shared-health.ts), each reporting the same flip. The first report of a flip is the
//   balancer's; the others are its echoes and are dropped, as is a report older than the last flip (an
//   echo that arrived after the next flip: the primary hears from each worker on its own channel). The
//   reason is left as the worker wrote it: naming one worker would suggest, wrongly, that the others
//   still sent to the backend.

import type {BackendStateChange} from '../model/balancer-stats.js'

/** Workers' reports in, the balancer's state changes out. */
export interface BackendStates {
  /** Worker `w` (1-based) reported `change`; returns the combined change to report, if the combined state flipped. */
  apply(w: number, change: BackendStateChange): BackendStateChange | undefined
}

export class WorkerStates implements BackendStates {
  /** Per backend id, the workers (1-based) that have it down. */
  private readonly downIn = new Map<string, Set<number>>()

  constructor(private readonly workers: number) {}

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

export class SharedStates implements BackendStates {
  /** Per backend id, the last flip reported (every backend starts up). */
  private readonly last = new Map<string, {state: 'up' | 'down'; epochMs: number}>()

  apply(_w: number, change: BackendStateChange): BackendStateChange | undefined {
    const last = this.last.get(change.id) ?? {state: 'up', epochMs: -Infinity}
    if (change.state === last.state || change.epochMs < last.epochMs) return undefined
    this.last.set(change.id, {state: change.state, epochMs: change.epochMs})
    return change
  }
}
