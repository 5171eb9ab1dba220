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
//   throughput completed responses (and their bytes) per second of the duration; with load.keepAlive
//              false or {requests: N} also the new connections (each a TCP, and over HTTPS a TLS,
//              handshake) per second.

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
  const tally = emptyTally()
  const statusCodes: Record<string, number> = {}
  for (const s of samples) {
    addToTally(tally, s)
    for (const [code, n] of Object.entries(s.status)) statusCodes[code] = (statusCodes[code] ?? 0) + n
  }
  const f = figuresOf(tally, durationMs)
  const histogram = mergeEncoded(samples.map((s) => s.histogram))
  const connections = connectionsPerSec(samples, durationMs)
  return {
    durationMs: Math.round(durationMs),
    requests: f.requests,
    errors: f.errors,
    errorRate: f.errorRate,
    latencyUs: latencyOf(histogram),
    throughput: connections === undefined ? f.throughput : {...f.throughput, connectionsPerSec: connections},
    statusCodes,
    histogram: encodeHistogram(histogram),
  }
}

/**
 * The plain sums of some samples, from which the summary's counts derive. Sums of seconds add and
 * subtract exactly, so a window of seconds can slide by adding the one that enters and taking away the
 * one that leaves (metrics/threshold-windows.ts).
 */
export interface Tally {
  sent: number
  completed: number
  bytes: number
  connect: number
  reset: number
  timeout: number
  cutOff: number
  /** 2xx responses. */
  ok: number
}

export const emptyTally = (): Tally => ({sent: 0, completed: 0, bytes: 0, connect: 0, reset: 0, timeout: 0, cutOff: 0, ok: 0})

/** Adds a sample's counts to the tally (sign -1: takes them away). */
export function addToTally(t: Tally, s: Sample, sign: 1 | -1 = 1): void {
  t.sent += sign * s.sent
  t.completed += sign * s.completed
  t.bytes += sign * s.bytes
  t.connect += sign * s.errors.connect
  t.reset += sign * s.errors.reset
  t.timeout += sign * s.errors.timeout
  t.cutOff += sign * (s.cutOff ?? 0)
  for (const [code, n] of Object.entries(s.status)) if (Number(code) >= 200 && Number(code) < 300) t.ok += sign * n
}

/** The summary's counts, error rate and throughput from a tally of samples covering `durationMs`. */
export function figuresOf(t: Tally, durationMs: number): Pick<Summary, 'requests' | 'errors' | 'errorRate' | 'throughput'> {
  const sent = Math.max(0, t.sent - t.cutOff)
  const non2xx = t.completed - t.ok
  const lost = Math.max(0, sent - t.completed - t.connect - t.reset - t.timeout)
  const failed = t.connect + t.reset + t.timeout + lost + non2xx
  const seconds = durationMs / 1000
  return {
    requests: {sent, completed: t.completed, failed},
    errors: {connect: t.connect, reset: t.reset, timeout: t.timeout, non2xx, lost},
    errorRate: sent > 0 ? failed / sent : 0,
    throughput: {rps: seconds > 0 ? t.completed / seconds : 0, bytesPerSec: seconds > 0 ? t.bytes / seconds : 0},
  }
}

/** New connections per second, where the samples count them (load.keepAlive false or {requests: N}). */
function connectionsPerSec(samples: Sample[], durationMs: number): number | undefined {
  if (!samples.some((s) => s.connections !== undefined)) return undefined
  const opened = samples.reduce((n, s) => n + (s.connections ?? 0), 0)
  return durationMs > 0 ? opened / (durationMs / 1000) : 0
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
