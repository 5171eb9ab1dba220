// Several generator processes (`load.generators: N`) report the same (phase, second) each; merged, they
// must be indistinguishable from one generator: counts add and histograms add bucket by bucket, which is
// exact (no averaging of percentiles).

import type {Sample} from '../model/generator-messages.js'
import {encodeHistogram, mergeEncoded} from './histogram.js'
import {sumTenths} from './tenths.js'

/** One sample from samples of the same phase and second (the first one's phase, second and measure). */
export function mergeSamples(samples: Sample[]): Sample {
  if (samples.length === 0) throw new Error('mergeSamples needs at least one sample')
  if (samples.length === 1) return samples[0]
  const first = samples[0]
  const status: Record<string, number> = {}
  const errors = {connect: 0, reset: 0, timeout: 0}
  const backendIds = new Set<string>()
  let sent = 0
  let completed = 0
  let bytes = 0
  let lost: number | undefined
  let cutOff: number | undefined
  let connections: number | undefined
  let openConnections: number | undefined
  let cutOffSentBefore: Record<string, number> | undefined
  for (const s of samples) {
    sent += s.sent
    completed += s.completed
    bytes += s.bytes
    for (const [code, n] of Object.entries(s.status)) status[code] = (status[code] ?? 0) + n
    errors.connect += s.errors.connect
    errors.reset += s.errors.reset
    errors.timeout += s.errors.timeout
    if (s.lost !== undefined) lost = (lost ?? 0) + s.lost
    if (s.cutOff !== undefined) cutOff = (cutOff ?? 0) + s.cutOff
    for (const [second, n] of Object.entries(s.cutOffSentBefore ?? {})) {
      cutOffSentBefore ??= {}
      cutOffSentBefore[second] = (cutOffSentBefore[second] ?? 0) + n
    }
    if (s.connections !== undefined) connections = (connections ?? 0) + s.connections
    if (s.openConnections !== undefined) openConnections = (openConnections ?? 0) + s.openConnections
    for (const id of Object.keys(s.perBackend)) backendIds.add(id)
  }
  const perBackend: Sample['perBackend'] = {}
  for (const id of [...backendIds].sort()) {
    const parts = samples.map((s) => s.perBackend[id]).filter((b) => b !== undefined)
    perBackend[id] = {
      completed: parts.reduce((n, b) => n + b.completed, 0),
      non2xx: parts.reduce((n, b) => n + b.non2xx, 0),
      histogram: encodeHistogram(mergeEncoded(parts.map((b) => b.histogram))),
    }
  }
  const merged: Sample = {
    second: first.second,
    phase: first.phase,
    measure: first.measure,
    sent,
    completed,
    bytes,
    status,
    errors,
    perBackend,
    histogram: encodeHistogram(mergeEncoded(samples.map((s) => s.histogram))),
  }
  if (lost !== undefined) merged.lost = lost
  if (cutOff !== undefined) merged.cutOff = cutOff
  if (cutOffSentBefore) merged.cutOffSentBefore = cutOffSentBefore
  if (connections !== undefined) merged.connections = connections
  if (openConnections !== undefined) merged.openConnections = openConnections
  const uncorrected = samples.map((s) => s.uncorrectedHistogram).filter((h): h is string => h !== undefined)
  if (uncorrected.length > 0) merged.uncorrectedHistogram = encodeHistogram(mergeEncoded(uncorrected))
  const tenths = sumTenths(samples.map((s) => s.tenths))
  if (tenths) merged.tenths = tenths
  return merged
}

/**
 * Collects the samples of N generators and hands out each (phase, second) merged once every generator
 * has reported it, or has finished without it (a generator stopped a moment earlier than the others).
 * Samples come out in the order their (phase, second) first arrived.
 */
export class SampleMerger {
  private readonly pending = new Map<string, {samples: Sample[]; from: Set<number>}>()
  private readonly finished = new Set<number>()

  constructor(private readonly generators: number) {}

  /** A generator's sample; returns the merged samples that are now complete. */
  add(generator: number, sample: Sample): Sample[] {
    const key = `${sample.phase}\u0000${sample.second}`
    let entry = this.pending.get(key)
    if (!entry) {
      entry = {samples: [], from: new Set()}
      this.pending.set(key, entry)
    }
    entry.samples.push(sample)
    entry.from.add(generator)
    return this.ready()
  }

  /** The generator will send nothing more. */
  finish(generator: number): Sample[] {
    this.finished.add(generator)
    return this.ready()
  }

  /** Everything still waiting, merged from what arrived. */
  flush(): Sample[] {
    const out = [...this.pending.values()].map((e) => mergeSamples(e.samples))
    this.pending.clear()
    return out
  }

  private complete(from: Set<number>): boolean {
    for (let g = 0; g < this.generators; g++) if (!from.has(g) && !this.finished.has(g)) return false
    return true
  }

  private ready(): Sample[] {
    const out: Sample[] = []
    for (const [key, entry] of this.pending) {
      if (!this.complete(entry.from)) break
      out.push(mergeSamples(entry.samples))
      this.pending.delete(key)
    }
    return out
  }
}
