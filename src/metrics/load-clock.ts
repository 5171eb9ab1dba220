// The phases laid out on the load clock (t = 0: the start of the first measured phase; warm-ups before it
// are negative), for what must know which seconds a phase covers: abortOnFail's bound on the requests a
// rate-paced run can still send, and the seconds a window threshold slides over.

import type {PhaseSpec} from '../model/scenario.js'

export interface PhaseSpan {
  phase: PhaseSpec
  /** ms on the load clock. */
  start: number
  end: number
}

/** Every phase's span, in order. */
export function phaseSpans(phases: PhaseSpec[]): PhaseSpan[] {
  const first = phases.findIndex((p) => p.measure)
  let at = -phases.slice(0, Math.max(0, first)).reduce((n, p) => n + p.duration, 0)
  return phases.map((phase) => {
    const span = {phase, start: at, end: at + phase.duration}
    at += phase.duration
    return span
  })
}

/** The spans of the measured phases, or of the one measured phase named. */
export function measuredSpans(spans: PhaseSpan[], phase?: string): PhaseSpan[] {
  return spans.filter((s) => s.phase.measure && (phase === undefined || s.phase.name === phase))
}

/** The ms of second `second` ([second × 1000, + 1000)) that the spans cover. */
export function coveredMsOf(spans: Array<{start: number; end: number}>, second: number): number {
  const from = second * 1000
  return spans.reduce((n, s) => n + Math.max(0, Math.min(s.end, from + 1000) - Math.max(s.start, from)), 0)
}
