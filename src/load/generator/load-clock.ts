// The load clock the generator's samples are numbered on: t = 0 is the start of the first measured
// phase, and sample `second` covers [second * 1000, second * 1000 + 1000) ms from it, so warm-ups
// before t = 0 have negative seconds. Phase starts and ends are offsets in whole ms from the moment the
// first phase started (integers, so second arithmetic on them is exact), laid end to end from the
// phase durations.

import {performance} from 'node:perf_hooks'
import type {PhaseSpec} from '../../model/scenario.js'

export class LoadClock {
  /** Each phase's start, as an offset from the first phase's start in whole ms. */
  readonly phaseStarts: number[] = []
  /** Offset of t = 0 (the first measured phase's start, or the first phase's when none is measured). */
  readonly t0: number

  /** `startedAt` is performance.now() when the first phase started, `startedAtEpoch` Date.now() then. */
  constructor(
    private readonly phases: readonly PhaseSpec[],
    readonly startedAt: number,
    private readonly startedAtEpoch: number,
  ) {
    let offset = 0
    for (const p of phases) {
      this.phaseStarts.push(offset)
      offset += Math.round(p.duration)
    }
    const firstMeasured = phases.findIndex((p) => p.measure)
    this.t0 = firstMeasured < 0 ? 0 : this.phaseStarts[firstMeasured]
  }

  phaseEnd(index: number): number {
    return this.phaseStarts[index] + Math.round(this.phases[index].duration)
  }

  /** The epoch ms of an offset. */
  epochAt(offset: number): number {
    return this.startedAtEpoch + offset
  }

  /** The second of the load clock an offset falls in. */
  secondAt(offset: number): number {
    return Math.floor((offset - this.t0) / 1000)
  }

  /** The offset at which a second of the load clock ends. */
  secondEnd(second: number): number {
    return this.t0 + (second + 1) * 1000
  }

  /** The 100 ms part of the load clock an offset falls in, counted from t = 0 (part 10s is second s's first). */
  tenthAt(offset: number): number {
    return Math.floor((offset - this.t0) / 100)
  }

  /** The offset at which a 100 ms part of the load clock ends. */
  tenthEnd(tenth: number): number {
    return this.t0 + (tenth + 1) * 100
  }

  /** How long from now until an offset, in ms (0 once it is past). */
  msUntil(offset: number): number {
    return Math.max(0, this.startedAt + offset - performance.now())
  }

  /** Now, as an offset in whole ms. */
  now(): number {
    return Math.round(performance.now() - this.startedAt)
  }
}
