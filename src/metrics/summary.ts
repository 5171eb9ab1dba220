// The run's (or one phase's) totals from the per-second samples. What the words mean:
//   sent       requests written that were answered, failed or lost. Requests still in flight when the
//              load stopped (`cutOff`) had no chance to finish and are left out.
//   completed  responses received, whatever their status.
//   errors     connect (refused, unreachable), reset (the connection broke while a request was on it),
//              timeout (no answer within load.timeout), non2xx (responses outside 200–299), and
//              lost = sent − completed − connect − reset − timeout: requests written on a connection the
//              server closed without answering (autocannon resends those silently).
//   failed     connect + reset + timeout + lost + non2xx, which is sent − (2xx responses).
//   errorRate  failed / sent (0 when nothing was sent).
//   throughput completed responses (and their bytes) per second of the duration.

import type {Sample} from '../model/generator-messages.js'
import type {Summary} from '../model/report.js'
import {encodeHistogram, latencyOf, mergeEncoded} from './histogram.js'

/** The samples of measured phases. */
export const measuredSamples = (samples: Sample[]): Sample[] => samples.filter((s) => s.measure)

/** Distinct seconds the samples cover × 1000: the duration when the caller knows no better. */
export function coveredMs(samples: Sample[]): number {
  return new Set(samples.map((s) => s.second)).size * 1000
}

/**
 * The summary of the given samples (filter them first: measured ones, or one phase). `durationMs` is the
 * time they cover (from the phase-start/phase-end events); by default, their number of distinct seconds.
 */
export function summarize(samples: Sample[], durationMs: number = coveredMs(samples)): Summary {
  let sent = 0
  let completed = 0
  let bytes = 0
  let connect = 0
  let reset = 0
  let timeout = 0
  let cutOff = 0
  const statusCodes: Record<string, number> = {}
  for (const s of samples) {
    sent += s.sent
    completed += s.completed
    bytes += s.bytes
    connect += s.errors.connect
    reset += s.errors.reset
    timeout += s.errors.timeout
    cutOff += s.cutOff ?? 0
    for (const [code, n] of Object.entries(s.status)) statusCodes[code] = (statusCodes[code] ?? 0) + n
  }
  sent = Math.max(0, sent - cutOff)
  let ok = 0
  for (const [code, n] of Object.entries(statusCodes)) if (Number(code) >= 200 && Number(code) < 300) ok += n
  const non2xx = completed - ok
  const lost = Math.max(0, sent - completed - connect - reset - timeout)
  const failed = connect + reset + timeout + lost + non2xx
  const histogram = mergeEncoded(samples.map((s) => s.histogram))
  const seconds = durationMs / 1000
  return {
    durationMs: Math.round(durationMs),
    requests: {sent, completed, failed},
    errors: {connect, reset, timeout, non2xx, lost},
    errorRate: sent > 0 ? failed / sent : 0,
    latencyUs: latencyOf(histogram),
    throughput: {rps: seconds > 0 ? completed / seconds : 0, bytesPerSec: seconds > 0 ? bytes / seconds : 0},
    statusCodes,
    histogram: encodeHistogram(histogram),
  }
}

/** A summary per phase, in the order the phases first appear; `durations` (ms) by phase name when known. */
export function summarizePhases(samples: Sample[], durations: Record<string, number> = {}): Record<string, Summary> {
  const byPhase = new Map<string, Sample[]>()
  for (const s of samples) {
    const list = byPhase.get(s.phase)
    if (list) list.push(s)
    else byPhase.set(s.phase, [s])
  }
  const out: Record<string, Summary> = {}
  for (const [phase, list] of byPhase) out[phase] = summarize(list, durations[phase] ?? coveredMs(list))
  return out
}
