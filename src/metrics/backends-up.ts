// How many backends were up, changing with the timeline: a replica's exit or crash, or the balancer's
// mark-down, takes one away; its ready or mark-up gives it back. The per-second series reads the fewest
// up in each second from it, the HTML report draws it as steps at the exact times.

import type {TimelineEvent} from '../model/report.js'

/** `[atMs, backends up]` (load clock) at the start of the timeline and at every change, in time order. */
export function backendsUpChanges(timeline: readonly TimelineEvent[], total: number): Array<[number, number]> {
  const downs = new Set<string>()
  const changes: Array<[number, number]> = [[Math.min(0, timeline[0]?.atMs ?? 0), total]]
  for (const e of timeline) {
    if (!e.target) continue
    if (e.kind === 'replica-exit' || e.kind === 'replica-crash' || e.kind === 'backend-down') downs.add(e.target)
    else if (e.kind === 'replica-ready' || e.kind === 'backend-up') downs.delete(e.target)
    else continue
    changes.push([e.atMs, total - downs.size])
  }
  return changes
}
