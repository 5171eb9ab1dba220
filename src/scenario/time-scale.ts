import type {Scenario} from '../model/scenario.js'

/**
 * The scenario with its load clock stretched or shrunk: phase durations, fault offsets and `for`s are
 * multiplied by `factor`. For smoke-running a long scenario quickly (`--time-scale 0.2`); timeouts,
 * health-check intervals and latencies stay as written, since they describe the system, not the test.
 */
export function scaleTime(s: Scenario, factor: number): Scenario {
  if (factor === 1) return s
  const scale = (ms: number) => Math.max(1, Math.round(ms * factor))
  return {
    ...s,
    load: {...s.load, phases: s.load.phases.map((p) => ({...p, duration: scale(p.duration)}))},
    faults: s.faults.map((f) => ({...f, at: Math.round(f.at * factor), ...(f.for === undefined ? {} : {for: scale(f.for)})})),
  }
}
