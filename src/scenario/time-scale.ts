// --time-scale's arithmetic: one scenario, its load clock shorter or longer, everything else as written.

import type {Scenario} from '../model/scenario.js'

/**
 * The scenario with its load clock stretched or shrunk: phase durations, fault offsets and `for`s, and
 * threshold windows, are multiplied by `factor`. For smoke-running a long scenario quickly
 * (`--time-scale 0.2`); timeouts, health-check intervals and latencies stay as written, since they
 * describe the system, not the test.
 */
export function scaleTime(s: Scenario, factor: number): Scenario {
  if (factor === 1) return s
  const scale = (ms: number) => Math.max(1, Math.round(ms * factor))
  return {
    ...s,
    load: {...s.load, phases: s.load.phases.map((p) => ({...p, duration: scale(p.duration)}))},
    faults: s.faults.map((f) => ({...f, at: Math.round(f.at * factor), ...(f.for === undefined ? {} : {for: scale(f.for)})})),
    // A window stays a whole number of seconds, at least one: it slides over per-second figures.
    thresholds: s.thresholds.map((t) => (t.window === undefined ? t : {...t, window: Math.max(1000, Math.floor((t.window * factor) / 1000) * 1000)})),
  }
}
