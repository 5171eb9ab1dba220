// What the bench reports: figures, each beside its target when it has one, grouped by measurement.
// Figures only: a MISS is information for whoever reads the report, never a failing test or exit code.

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
   * The target's limit lies within the middle half of the rounds (between their quartiles): the rounds
   * fall on both sides of it, and the next run's PASS or MISS may well be the other one.
   */
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

/** PASS/MISS of `value op limit`, and (`close`) whether `limit` lies between the quartiles of `rounds`. */
export function judged(value: number | null | undefined, op: Op, limit: number, rounds: number[] | undefined): Pick<Figure, 'pass' | 'close'> {
  const pass = meets(value, op, limit)
  const v = (rounds ?? []).filter(Number.isFinite).sort((a, b) => a - b)
  // With fewer than 4 rounds the quartiles are most of the rounds: nothing to tell apart.
  if (pass === null || v.length < 4) return {pass}
  return limit >= quantile(v, 0.25) && limit <= quantile(v, 0.75) ? {pass, close: true} : {pass}
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
