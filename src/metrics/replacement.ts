// For a fault that ends a replica an orchestrator replaces (a kill of a swarm task): from the fault to
// the engine starting the replacement task, and to that task answering lbbench's readiness probe, from
// the timeline's engine events. It goes beside the failover row's time to reintegrate, which measures
// when the balancer gave the replacement its share again. Pure: load-clock milliseconds.
import type {FailoverReport, TimelineEvent} from '../model/report.js'

export function withReplacement(row: FailoverReport, timeline: TimelineEvent[]): FailoverReport {
  const after = timeline.filter((e) => e.target === row.target && e.atMs >= row.atMs)
  const died = after.find((e) => e.kind === 'task-die')
  if (!died) return row
  const started = after.find((e) => e.kind === 'task-start' && e.atMs >= died.atMs)
  const serving = started && after.find((e) => e.kind === 'replica-ready' && e.atMs >= started.atMs)
  return {
    ...row,
    replacement: {
      dieMs: died.atMs - row.atMs,
      startMs: started ? started.atMs - row.atMs : null,
      servingMs: serving ? serving.atMs - row.atMs : null,
    },
  }
}
