// What the bench reports: figures, each beside its target when it has one, grouped by measurement.
// Figures only: a MISS is information for whoever reads the report, never a failing test or exit code.

import {seededRandom} from '../src/model/random.js'
import {median} from './rounds.js'

export interface Figure {
  name: string
  /** The median over the rounds; null when it could not be measured (see `note`). */
  value: number | null
  unit: string
  /** median over the rounds of value / baseline (same round), and what the baseline is. */
  ratio?: number | null
  ratioTo?: string
  /** The target as written in issue 8, e.g. `≥ 0.5× nginx`. */
  target?: string
  /** Whether the target held; absent for figures without one, null when the figure is missing. */
  pass?: boolean | null
  /**
   * The figure's 90% confidence interval from its rounds (roundsInterval): how well these rounds pin it
   * down. Given for judged figures of 4 rounds or more.
   */
  interval?: [number, number]
  /** The target's limit lies within `interval`: the rounds do not tell whether the figure is over or under it. */
  close?: boolean
  /** The value in each round, for judging the spread. */
  rounds?: number[]
  note?: string
}

export interface Measurement {
  /** The name used by --only. */
  name: string
  title: string
  figures: Figure[]
  /** How it was measured, what the figures mean, what is missing. */
  notes: string[]
  seconds: number
  /** Raw series behind the figures, when they help judge them (JSON only). */
  series?: Record<string, Array<Record<string, number>>>
}

export interface BenchReport {
  kind: 'lbbench-bench'
  version: 1
  startedAt: string
  finishedAt: string
  command: string
  options: {quick: boolean; long: boolean; only: string[]; rounds: number; subjectSeconds: number}
  environment: {cpu: string; cores: number; node: string; os: string; loadAverageAtStart: number[]; tools: Record<string, string>; staleBuild?: boolean}
  measurements: Measurement[]
}

export type Op = '>=' | '<='

/** PASS/MISS of `value op limit`; null when there is no value. */
export function meets(value: number | null | undefined, op: Op, limit: number): boolean | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null
  return op === '>=' ? value >= limit : value <= limit
}

/**
 * PASS/MISS of `value op limit`, the figure's interval from the rounds (the median's, unless the caller
 * gives the interval of a figure made otherwise, or null for none), and (`close`) whether `limit` lies within it.
 */
export function judged(value: number | null | undefined, op: Op, limit: number, rounds: number[] | undefined, interval: [number, number] | null = medianInterval(rounds ?? [])): Pick<Figure, 'pass' | 'close' | 'interval'> {
  const pass = meets(value, op, limit)
  if (pass === null || interval === null) return {pass}
  const tidied: [number, number] = [tidy(interval[0])!, tidy(interval[1])!]
  return limit >= interval[0] && limit <= interval[1] ? {pass, interval: tidied, close: true} : {pass, interval: tidied}
}

/** Resamples per interval: enough for steady 5th and 95th percentiles. */
const draws = 2000

/**
 * A 90% confidence interval of a figure taken over n rounds: the 5th and 95th percentiles of `statistic`
 * over 2,000 resamples of the rounds, each n rounds drawn with replacement (a percentile bootstrap, as
 * criterion.rs gives its estimates; seeded, so the same rounds always give the same interval). `statistic` gets the
 * positions of the rounds drawn, so that a figure made of several series keeps each round's values
 * together (a ratio of two medians). Null with fewer than 4 rounds, too few to resample.
 */
export function roundsInterval(n: number, statistic: (drawn: number[]) => number): [number, number] | null {
  if (n < 4) return null
  const random = seededRandom(n)
  const drawn = new Array<number>(n)
  const values: number[] = []
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < n; i++) drawn[i] = Math.floor(random() * n)
    const v = statistic(drawn)
    if (Number.isFinite(v)) values.push(v)
  }
  if (values.length === 0) return null
  values.sort((a, b) => a - b)
  return [quantile(values, 0.05), quantile(values, 0.95)]
}

/** The interval of the median of `rounds` (its finite values). */
export function medianInterval(rounds: number[]): [number, number] | null {
  const v = rounds.filter(Number.isFinite)
  return roundsInterval(v.length, (drawn) => median(drawn.map((i) => v[i])))
}

/** The q-quantile of sorted values, interpolated between the two nearest (as numpy's default). */
export function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  return lo + 1 < sorted.length ? sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (at - lo) : sorted[lo]
}

/** Rounds to a precision that suits the size of the figure (report files stay readable). */
export function tidy(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null
  const abs = Math.abs(value)
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : 4
  return Number(value.toFixed(digits))
}

export function tidyAll(values: number[] | undefined): number[] | undefined {
  return values?.map((v) => tidy(v) ?? Number.NaN)
}
