// The failover row of a rolling update (the `update` fault on swarm replicas): no single backend goes
// bad, every one is replaced in turn, so the row says how long the update took (the fault until the
// engine reported it ended), what the clients lost meanwhile, and the longest time one slot was out: from
// the engine stopping its old task (the signal, or its death) until its new task answered. Pure: every
// input is on the load clock (ms from t = 0).
import type {FailoverReport, SeriesPoint, TimelineEvent} from '../model/report.js'

/** Timeline kinds that take a slot out (the engine's signal to its task, the task's end). */
const outKinds = new Set(['task-kill', 'task-die'])

export interface RollingUpdateInput {
  timeline: TimelineEvent[]
  series: SeriesPoint[]
  /** End of the measured load (ms). */
  endMs: number
}

export function rollingUpdateRows(input: RollingUpdateInput): FailoverReport[] {
  const {timeline, series} = input
  return timeline
    .filter((e) => e.kind === 'fault' && e.target === undefined && e.detail.split(' ')[0] === 'update')
    .map((start) => {
      const endEvent = timeline.find((e) => e.kind === 'update-end' && e.atMs >= start.atMs)
      const end = Math.min(endEvent?.atMs ?? input.endMs, input.endMs)
      const out = longestOut(timeline, start.atMs, end)
      return {
        fault: 'update',
        target: 'all',
        atMs: start.atMs,
        ttdMs: null,
        failed: series.filter((p) => p.tMs + 1000 > start.atMs && p.tMs < end).reduce((n, p) => n + p.failed, 0),
        hidden: 0,
        ttrMs: null,
        durationMs: endEvent ? endEvent.atMs - start.atMs : null,
        longestOutMs: out?.ms ?? null,
        ...(out ? {longestOutTarget: out.target} : {}),
      }
    })
}

/** The longest stretch in [from, to] during which a slot had no task answering, and whose it was. */
function longestOut(timeline: TimelineEvent[], from: number, to: number): {ms: number; target: string} | undefined {
  const outSince = new Map<string, number>()
  let longest: {ms: number; target: string} | undefined
  for (const e of timeline) {
    if (e.atMs < from || e.atMs > to || !e.target) continue
    if (outKinds.has(e.kind) && !outSince.has(e.target)) outSince.set(e.target, e.atMs)
    if (e.kind === 'replica-ready' && outSince.has(e.target)) {
      const ms = e.atMs - outSince.get(e.target)!
      outSince.delete(e.target)
      if (!longest || ms > longest.ms) longest = {ms, target: e.target}
    }
  }
  return longest
}
