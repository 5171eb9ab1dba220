// The counters of several proxy workers (balancer.workers) as one proxy's, for the orchestrator. Totals
// add up. Time series are put on a common 100 ms grid, because each worker samples on its own timer:
// - in-flight: at each grid slot, every worker's latest sample at or before it (a worker whose sample
//   fell just after a slot boundary still counts in that slot with its previous value), summed;
// - attempt buckets: each worker's bucket goes to the slot its start falls in, and the counts are added,
//   so every attempt is counted exactly once (a bucket's events may lie up to 100 ms later than its slot).

import type {AttemptBucket} from '../model/balancer-stats.js'
import {inflightSampleMs, type ProxyStats} from './messages.js'

function addInto(into: Record<string, number>, from: Record<string, number> | undefined): void {
  if (!from) return
  for (const id in from) into[id] = (into[id] ?? 0) + from[id]
}

const slotOf = (epochMs: number): number => Math.floor(epochMs / inflightSampleMs) * inflightSampleMs

export function mergeProxyStats(all: readonly ProxyStats[]): ProxyStats {
  const out: ProxyStats = {
    attempts: {},
    failedAttempts: {},
    requests: {},
    retries: 0,
    noBackend: 0,
    bodyTooLargeToRetry: 0,
    budgetExhausted: 0,
    staleSocketRetries: 0,
    inflight: mergeInflight(all.map((s) => s.inflight ?? [])),
    attemptBuckets: mergeBuckets(all.map((s) => s.attemptBuckets ?? [])),
    // Each worker drops its oldest samples once its ring is full; the merged series lost about the most any one did.
    inflightDropped: Math.max(0, ...all.map((s) => s.inflightDropped)),
    workerAttempts: all.map((s) => Object.values(s.attempts).reduce((a, b) => a + b, 0)),
  }
  for (const s of all) {
    addInto(out.attempts, s.attempts)
    addInto(out.failedAttempts, s.failedAttempts)
    addInto((out.requests ??= {}), s.requests)
    out.retries += s.retries
    out.noBackend += s.noBackend
    out.bodyTooLargeToRetry! += s.bodyTooLargeToRetry ?? 0
    out.budgetExhausted! += s.budgetExhausted ?? 0
    out.staleSocketRetries += s.staleSocketRetries
    // Mode tcp: connections and bytes per backend.
    if (s.connections) addInto((out.connections ??= {}), s.connections)
    if (s.bytesToBackend) addInto((out.bytesToBackend ??= {}), s.bytesToBackend)
    if (s.bytesFromBackend) addInto((out.bytesFromBackend ??= {}), s.bytesFromBackend)
  }
  return out
}

export function mergeInflight(series: ReadonlyArray<ReadonlyArray<[number, Record<string, number>]>>): Array<[number, Record<string, number>]> {
  const slots = [...new Set(series.flatMap((s) => s.map(([t]) => slotOf(t))))].sort((a, b) => a - b)
  const next = series.map(() => 0)
  const latest: Array<Record<string, number> | undefined> = series.map(() => undefined)
  const out: Array<[number, Record<string, number>]> = []
  for (const slot of slots) {
    const sum: Record<string, number> = {}
    for (let w = 0; w < series.length; w++) {
      const s = series[w]
      while (next[w] < s.length && slotOf(s[next[w]][0]) <= slot) latest[w] = s[next[w]++][1]
      addInto(sum, latest[w])
    }
    out.push([slot, sum])
  }
  return out
}

export function mergeBuckets(series: ReadonlyArray<ReadonlyArray<AttemptBucket>>): AttemptBucket[] {
  const bySlot = new Map<number, AttemptBucket>()
  for (const s of series) {
    for (const b of s) {
      const slot = slotOf(b.epochMs)
      let m = bySlot.get(slot)
      if (!m) bySlot.set(slot, (m = {epochMs: slot, attempts: {}, failed: {}}))
      addInto(m.attempts, b.attempts)
      addInto(m.failed, b.failed)
    }
  }
  return [...bySlot.values()].sort((a, b) => a.epochMs - b.epochMs)
}
